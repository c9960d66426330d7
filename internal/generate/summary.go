package generate

import (
	"fmt"
	"io"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// Summary counts what Run wrote.
type Summary struct {
	Config    Config
	Events    map[string]int64 // good events by topic
	ByType    map[string]int64 // good events by type
	Malformed map[string]int64 // injected bad messages by topic

	Contacts, RepeatContacts, EmergingContacts, Abandoned int64
	Tickets, SurveysSent, SurveysAnswered, Posts          int64
	CutAtEnd                                              int64 // generated events dated after the history, not written
	Elapsed                                               time.Duration
}

func newSummary(cfg Config) *Summary {
	return &Summary{Config: cfg, Events: map[string]int64{}, ByType: map[string]int64{}, Malformed: map[string]int64{}}
}

func (s *Summary) count(topic, typ string) {
	s.Events[topic]++
	s.ByType[typ]++
}

func (s *Summary) total() int64 {
	var n int64
	for _, v := range s.Events {
		n += v
	}
	for _, v := range s.Malformed {
		n += v
	}
	return n
}

// Total is every message written, malformed ones included.
func (s *Summary) Total() int64 { return s.total() }

// Print writes the summary as a table.
func (s *Summary) Print(w io.Writer) {
	c := s.Config
	fmt.Fprintf(w, "voc generate: %d days from %s, ~%d contacts/day, seed %d, emerging issue %v\n",
		c.Days, c.Start.Format(time.DateOnly), c.ContactsPerDay, c.Seed, c.EmergingIssue)
	fmt.Fprintf(w, "%-28s %12s %10s\n", "topic / type", "events", "malformed")
	for _, topic := range pipeline.InputTopics {
		fmt.Fprintf(w, "%-28s %12d %10d\n", topic, s.Events[topic], s.Malformed[topic])
		for _, typ := range pipeline.EventTypes(topic) {
			fmt.Fprintf(w, "  %-26s %12d\n", typ, s.ByType[typ])
		}
	}
	total := s.total()
	fmt.Fprintf(w, "%-28s %12d %10d\n", "total", total, sumValues(s.Malformed))
	fmt.Fprintf(w, "contacts %d (repeat %d, emerging issue %d, abandoned %d), tickets %d, surveys %d sent / %d answered, posts %d\n",
		s.Contacts, s.RepeatContacts, s.EmergingContacts, s.Abandoned, s.Tickets, s.SurveysSent, s.SurveysAnswered, s.Posts)
	if s.CutAtEnd > 0 {
		fmt.Fprintf(w, "%d events dated after the end of the history were not written (open tickets, pending answers)\n", s.CutAtEnd)
	}
	if s.Elapsed > 0 {
		fmt.Fprintf(w, "wrote %d messages in %s (%.0f messages/s)\n", total, s.Elapsed.Round(time.Millisecond), float64(total)/s.Elapsed.Seconds())
	}
}

func sumValues(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

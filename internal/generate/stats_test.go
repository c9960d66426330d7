package generate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// memSink keeps each topic's messages as JSONL in memory.
type memSink struct{ topics map[string]*bytes.Buffer }

func newMemSink() *memSink { return &memSink{topics: map[string]*bytes.Buffer{}} }

func (m *memSink) Write(_ context.Context, topic string, _, value []byte) error {
	b := m.topics[topic]
	if b == nil {
		b = new(bytes.Buffer)
		m.topics[topic] = b
	}
	b.Write(value)
	b.WriteByte('\n')
	return nil
}

func (m *memSink) Close() error { return nil }

// stats are the distributions the tests check, measured from decoded events
// the way downstream consumers would see them.
type stats struct {
	messages, rejects int
	byReason          map[pipeline.Reason]int

	contacts            int
	channels            map[string]int
	peakRate, offRate   float64 // contacts per peak / off-peak hour
	meanWait            map[string]float64
	abandoned           int
	quickAbandons       int // within 5 s
	transfersPerContact float64
	crossTeamShare      float64
	fcr, fcrN           float64
	oneTouch            float64
	resolvedFlag        float64
	repeatShare         float64 // contacts with a same-topic contact by the customer within 7 days before
	surveySent          int
	surveyAnswered      int
	satisfied           float64 // csat >= 4
	slaMiss             map[string]float64
	slaN                map[string]int
	langEn              float64
	emergingByDay       map[string]int
	peakWait, offWait   float64            // mean minutes, phone and app
	handle              map[string]float64 // mean minutes from answer to end, by channel
	complaintsLow       float64            // share of wait-time/service-attitude contacts at night and on holidays
	complaintsHigh      float64            // the same in staffed hours
	ordered             bool               // occurred_at never decreases within a key
	duplicateIDs        int                // event_ids seen more than once
}

type contactRow struct {
	channel, customer, category, ticket string
	started, queued, answered, ended    time.Time
	abandoned                           bool
	abandonedAt                         time.Time
	resolved                            bool
	transfers, cross, agentMsgs         int
	lang                                string
}

func readTopic(t testing.TB, data []byte, topic string, lim pipeline.Limits, s *stats, each func(pipeline.Event)) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		s.messages++
		ev, err := pipeline.Decode(topic, nil, sc.Bytes(), lim)
		if err != nil {
			var rej *pipeline.RejectError
			if !errors.As(err, &rej) {
				t.Fatalf("decode: %v", err)
			}
			s.rejects++
			s.byReason[rej.Reason]++
			continue
		}
		each(ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// analyze decodes everything in topics and measures it. repeatWindow is the
// project's FCR window.
func analyze(t testing.TB, topics map[string][]byte, cfg Config) stats {
	t.Helper()
	end := cfg.Start.AddDate(0, 0, cfg.Days)
	lim := pipeline.DefaultLimits()
	lim.Now = func() time.Time { return end }
	s := stats{byReason: map[pipeline.Reason]int{}, channels: map[string]int{}, meanWait: map[string]float64{},
		slaMiss: map[string]float64{}, slaN: map[string]int{}, emergingByDay: map[string]int{}, ordered: true}
	last := map[string]time.Time{}
	ids := map[string]bool{}
	checkOrder := func(ev pipeline.Event) {
		if id := ev.Env().EventID; ids[id] {
			s.duplicateIDs++
		} else {
			ids[id] = true
		}
		k, at := ev.Key(), ev.Env().OccurredAt
		if p, ok := last[k]; ok && at.Before(p) {
			s.ordered = false
		}
		last[k] = at
	}

	contacts := map[string]*contactRow{}
	var order []string
	readTopic(t, topics[pipeline.TopicChats], pipeline.TopicChats, lim, &s, func(ev pipeline.Event) {
		checkOrder(ev)
		e := ev.(*pipeline.ChatEvent)
		c := contacts[e.ContactID]
		if c == nil {
			c = &contactRow{}
			contacts[e.ContactID] = c
		}
		at := e.OccurredAt
		switch e.Type {
		case pipeline.ContactStarted:
			c.channel, c.customer, c.started, c.lang = e.Channel, e.CustomerID, at, e.Language
			order = append(order, e.ContactID)
		case pipeline.ContactQueued:
			c.queued = at
		case pipeline.ContactAgentAnswered:
			if c.answered.IsZero() {
				c.answered = at
			}
		case pipeline.ContactMessage:
			if e.Sender == pipeline.SenderAgent {
				c.agentMsgs++
			}
		case pipeline.ContactTransferred:
			c.transfers++
			if e.ToTeam != e.FromTeam {
				c.cross++
			}
		case pipeline.ContactAbandoned:
			c.abandoned, c.abandonedAt = true, at
		case pipeline.ContactEnded:
			c.ended, c.resolved, c.category, c.ticket = at, *e.Resolved, e.ServiceCategory, e.TicketID
			if e.ServiceCategory == "remote-after-update" {
				s.emergingByDay[at.Format(time.DateOnly)]++
			}
		}
	})

	var peakContacts, offContacts int
	var peakHours, offHours int
	for h := cfg.Start; h.Before(end); h = h.Add(time.Hour) {
		if IsPeak(h) {
			peakHours++
		} else if !LowCoverage(h) {
			offHours++
		}
	}
	waits := map[string][]float64{}
	var peakW, offW []float64
	handles := map[string][]float64{}
	var lowN, lowC, highN, highC int
	byCustomer := map[string][]*contactRow{}
	var transfers, cross, en int
	for _, id := range order {
		c := contacts[id]
		s.contacts++
		s.channels[c.channel]++
		if c.lang == "en" {
			en++
		}
		switch {
		case IsPeak(c.started):
			peakContacts++
		case !LowCoverage(c.started):
			offContacts++
		}
		if !c.answered.IsZero() && !c.queued.IsZero() {
			w := c.answered.Sub(c.queued).Seconds()
			waits[c.channel] = append(waits[c.channel], w)
			if c.channel == pipeline.ChannelPhone || c.channel == pipeline.ChannelApp {
				switch {
				case IsPeak(c.started):
					peakW = append(peakW, w)
				case !LowCoverage(c.started):
					offW = append(offW, w)
				}
			}
			if !c.ended.IsZero() {
				handles[c.channel] = append(handles[c.channel], c.ended.Sub(c.answered).Seconds())
			}
		}
		if !c.ended.IsZero() {
			complaint := TopicOf(c.category) == "wait-time" || TopicOf(c.category) == "service-attitude"
			if LowCoverage(c.started) {
				lowN++
				lowC += b2i(complaint)
			} else {
				highN++
				highC += b2i(complaint)
			}
		}
		if c.abandoned {
			s.abandoned++
			base := c.queued
			if base.IsZero() {
				base = c.started
			}
			if c.abandonedAt.Sub(base) <= 5*time.Second {
				s.quickAbandons++
			}
		}
		transfers += c.transfers
		if c.cross > 0 {
			cross++
		}
		if !c.ended.IsZero() {
			byCustomer[c.customer] = append(byCustomer[c.customer], c)
		}
	}
	s.peakRate = float64(peakContacts) / float64(peakHours)
	s.offRate = float64(offContacts) / float64(offHours)
	for ch, w := range waits {
		sum := 0.0
		for _, x := range w {
			sum += x
		}
		s.meanWait[ch] = sum / float64(len(w)) / 60
	}
	s.peakWait, s.offWait = mean(peakW)/60, mean(offW)/60
	s.handle = map[string]float64{}
	for ch, h := range handles {
		s.handle[ch] = mean(h) / 60
	}
	s.complaintsLow, s.complaintsHigh = float64(lowC)/float64(max(lowN, 1)), float64(highC)/float64(max(highN, 1))
	s.transfersPerContact = float64(transfers) / float64(s.contacts)
	s.crossTeamShare = float64(cross) / float64(s.contacts)
	s.langEn = float64(en) / float64(s.contacts)

	// FCR by the project's rule, over ended contacts whose 7-day window is inside the period.
	const window = 7 * 24 * time.Hour
	var fcr, oneTouch, flagged, n, repeats, withRepeat int
	for _, cs := range byCustomer {
		sort.Slice(cs, func(i, j int) bool { return cs[i].started.Before(cs[j].started) })
		for i, c := range cs {
			topic := TopicOf(c.category)
			again := false
			for _, d := range cs[i+1:] {
				if d.started.After(c.ended.Add(window)) {
					break
				}
				if TopicOf(d.category) == topic {
					again = true
					break
				}
			}
			for _, d := range cs[:i] {
				if TopicOf(d.category) == topic && c.started.Sub(d.ended) <= window {
					repeats++
					break
				}
			}
			withRepeat++
			if c.ended.Add(window).After(end) {
				continue
			}
			n++
			if !again && c.cross == 0 && c.ticket == "" {
				fcr++
			}
			if c.resolved && c.agentMsgs == 1 && c.transfers == 0 {
				oneTouch++
			}
			if c.resolved {
				flagged++
			}
		}
	}
	s.fcrN = float64(n)
	s.fcr = float64(fcr) / float64(n)
	s.oneTouch = float64(oneTouch) / float64(n)
	s.resolvedFlag = float64(flagged) / float64(n)
	s.repeatShare = float64(repeats) / float64(withRepeat)

	// Tickets: SLA misses over tickets whose deadline falls inside the period.
	type ticketRow struct {
		category        string
		created, closed time.Time
	}
	tickets := map[string]*ticketRow{}
	readTopic(t, topics[pipeline.TopicTickets], pipeline.TopicTickets, lim, &s, func(ev pipeline.Event) {
		checkOrder(ev)
		e := ev.(*pipeline.TicketEvent)
		switch e.Type {
		case pipeline.TicketCreated:
			tickets[e.TicketID] = &ticketRow{category: e.Category, created: e.OccurredAt}
		case pipeline.TicketClosed:
			if r := tickets[e.TicketID]; r != nil {
				r.closed = e.OccurredAt
			}
		}
	})
	for _, r := range tickets {
		sla := ServiceSLAHours * time.Hour
		if r.category == "complaint" {
			sla = ComplaintSLAHours * time.Hour
		}
		kind := "service"
		if r.category == "complaint" {
			kind = "complaint"
		}
		deadline := r.created.Add(sla)
		if deadline.After(end) {
			continue
		}
		s.slaN[kind]++
		if r.closed.IsZero() || r.closed.After(deadline) {
			s.slaMiss[kind]++
		}
	}
	for k := range s.slaMiss {
		s.slaMiss[k] /= float64(s.slaN[k])
	}

	var satisfied int
	readTopic(t, topics[pipeline.TopicSurveys], pipeline.TopicSurveys, lim, &s, func(ev pipeline.Event) {
		checkOrder(ev)
		e := ev.(*pipeline.SurveyEvent)
		switch e.Type {
		case pipeline.SurveySent:
			s.surveySent++
		case pipeline.SurveyAnswered:
			s.surveyAnswered++
			if e.CSAT != nil && *e.CSAT >= 4 {
				satisfied++
			}
		}
	})
	s.satisfied = float64(satisfied) / float64(s.surveyAnswered)
	readTopic(t, topics[pipeline.TopicSuggestions], pipeline.TopicSuggestions, lim, &s, checkOrder)
	return s
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func (s stats) channelShare(ch ...string) float64 {
	n := 0
	for _, c := range ch {
		n += s.channels[c]
	}
	return float64(n) / float64(s.contacts)
}

func (s stats) log(t testing.TB) {
	t.Helper()
	t.Logf("messages %d, rejects %d %v", s.messages, s.rejects, s.byReason)
	t.Logf("contacts %d: app %.1f%% phone %.1f%% other %.1f%%, en %.1f%%", s.contacts,
		100*s.channelShare(pipeline.ChannelApp), 100*s.channelShare(pipeline.ChannelPhone),
		100*s.channelShare(pipeline.ChannelWeChat, pipeline.ChannelWeb, pipeline.ChannelCommunity, pipeline.ChannelEmail), 100*s.langEn)
	t.Logf("contacts/hour peak %.0f vs off-peak day %.0f (x%.2f)", s.peakRate, s.offRate, s.peakRate/s.offRate)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range s.meanWait {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		t.Logf("mean wait %s %.1f min", k, s.meanWait[k])
	}
	t.Logf("phone+app mean wait at peaks %.1f min, other staffed hours %.1f min", s.peakWait, s.offWait)
	t.Logf("handle time (answer to end): phone %.1f min, app %.1f min, wechat %.1f min, email %.0f min",
		s.handle[pipeline.ChannelPhone], s.handle[pipeline.ChannelApp], s.handle[pipeline.ChannelWeChat], s.handle[pipeline.ChannelEmail])
	t.Logf("complaint topics: %.1f%% at night/holidays vs %.1f%% in staffed hours", 100*s.complaintsLow, 100*s.complaintsHigh)
	t.Logf("abandoned %.1f%% (within 5 s: %d), transfers/contact %.2f, cross-team %.1f%%",
		100*float64(s.abandoned)/float64(s.contacts), s.quickAbandons, s.transfersPerContact, 100*s.crossTeamShare)
	t.Logf("FCR %.1f%% over %.0f contacts; one-touch %.1f%%; agents' resolved flag %.1f%%; repeat share %.1f%%",
		100*s.fcr, s.fcrN, 100*s.oneTouch, 100*s.resolvedFlag, 100*s.repeatShare)
	t.Logf("surveys %d sent, %d answered (%.1f%%), satisfied %.1f%%", s.surveySent, s.surveyAnswered,
		100*float64(s.surveyAnswered)/float64(s.surveySent), 100*s.satisfied)
	t.Logf("SLA misses: service %.1f%% of %d, complaint %.1f%% of %d", 100*s.slaMiss["service"], s.slaN["service"], 100*s.slaMiss["complaint"], s.slaN["complaint"])
	t.Logf("emerging contacts by day: %v", s.emergingByDay)
}

// TestJSONLSinkRoundTrip: what `voc generate --to jsonl` writes to disk
// reads back as exactly the stream that was generated, so the files
// analysts and the backfill command use hold the same events as Kafka.
func TestJSONLSinkRoundTrip(t *testing.T) {
	cfg := smallConfig(2, 300, 3)
	mem, _ := generateMem(t, cfg)
	dir := t.TempDir()
	sink, err := NewJSONLSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), cfg, sink, Options{}); err != nil { // closes sink
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, topic := range pipeline.InputTopics {
		b, err := os.ReadFile(filepath.Join(dir, topic+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, mem.topics[topic].Bytes()) {
			t.Errorf("%s.jsonl (%d bytes) differs from the generated stream (%d bytes)", topic, len(b), mem.topics[topic].Len())
		}
		files[topic] = b
	}
	got, want := analyze(t, files, cfg), analyze(t, topicBytes(mem), cfg)
	if got.messages == 0 || got.contacts == 0 || got.messages != want.messages || got.contacts != want.contacts || got.rejects != want.rejects {
		t.Errorf("from disk: %d messages, %d contacts, %d rejects; generated: %d, %d, %d",
			got.messages, got.contacts, got.rejects, want.messages, want.contacts, want.rejects)
	}
}

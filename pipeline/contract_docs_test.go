package pipeline_test

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

var jsonBlock = regexp.MustCompile("(?s)```json\n(.*?)\n```")

// TestEventDocsExamplesDecode decodes every example in docs/events.md and
// checks that every event type has at least one example.
func TestEventDocsExamplesDecode(t *testing.T) {
	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	lim := pipeline.DefaultLimits()
	lim.Now = func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }
	seen := map[string]bool{}
	for _, m := range jsonBlock.FindAllSubmatch(doc, -1) {
		var ok bool
		for _, topic := range pipeline.InputTopics {
			ev, err := pipeline.Decode(topic, nil, m[1], lim)
			if err == nil {
				seen[ev.Env().Type] = true
				ok = true
				// Round trip: encoding and decoding again gives the same key.
				b, err := pipeline.Encode(ev)
				if err != nil {
					t.Fatal(err)
				}
				ev2, err := pipeline.Decode(topic, []byte(ev.Key()), b, lim)
				if err != nil || ev2.Key() != ev.Key() {
					t.Errorf("round trip of %s: %v", m[1], err)
				}
			}
		}
		if !ok {
			t.Errorf("example does not decode on any topic: %s", m[1])
		}
	}
	for _, topic := range pipeline.InputTopics {
		for _, typ := range pipeline.EventTypes(topic) {
			if !seen[typ] {
				t.Errorf("docs/events.md has no example of %s", typ)
			}
		}
	}
}

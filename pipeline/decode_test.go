package pipeline_test

import (
	"errors"
	"os"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

var testNow = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func testLimits() pipeline.Limits {
	l := pipeline.DefaultLimits()
	l.MaxTextBytes = 1024
	l.Now = func() time.Time { return testNow }
	return l
}

func loadMalformed(t testing.TB) []testevents.Malformed {
	t.Helper()
	cases, err := testevents.LoadMalformed("testdata/malformed.txt")
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestDecodeRejectsMalformed(t *testing.T) {
	cases := loadMalformed(t)
	if len(cases) < 15 {
		t.Fatalf("only %d malformed cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := pipeline.Decode(tc.Topic, []byte(tc.Key), tc.Payload, testLimits())
			var rej *pipeline.RejectError
			if !errors.As(err, &rej) {
				t.Fatalf("err = %v, want a RejectError", err)
			}
			if string(rej.Reason) != tc.Reason || rej.Field != tc.Field {
				t.Fatalf("got reason %s field %q (%v), want %s %q", rej.Reason, rej.Field, err, tc.Reason, tc.Field)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range loadMalformed(f) {
		f.Add(tc.Topic, []byte(tc.Key), tc.Payload)
	}
	// Every event type's documented example (TestEventDocsExamplesDecode
	// checks that each type has one), with its own key, no key and a key
	// that does not match.
	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		f.Fatal(err)
	}
	seeds := 0
	for _, m := range jsonBlock.FindAllSubmatch(doc, -1) {
		for _, topic := range pipeline.InputTopics {
			if ev, err := pipeline.Decode(topic, nil, m[1], testLimits()); err == nil {
				f.Add(topic, []byte(ev.Key()), m[1])
				f.Add(topic, []byte(nil), m[1])
				f.Add(topic, []byte(ev.Key()+"-other"), m[1])
				seeds++
			}
		}
	}
	if seeds < 20 {
		f.Fatalf("only %d valid seeds from docs/events.md", seeds)
	}
	f.Fuzz(func(t *testing.T, topic string, key, payload []byte) {
		ev, err := pipeline.Decode(topic, key, payload, testLimits())
		if err != nil {
			var rej *pipeline.RejectError
			if !errors.As(err, &rej) || rej.Reason == "" {
				t.Fatalf("non-reject error %v", err)
			}
			return
		}
		// Anything accepted is valid UTF-8, has the envelope, carries the
		// message key it was sent with (when there was one) and round-trips.
		if !utf8.Valid(payload) || ev.Env().EventID == "" || ev.Key() == "" || ev.Env().Version != pipeline.SchemaVersion {
			t.Fatalf("accepted invalid event %q", payload)
		}
		if len(key) > 0 && ev.Key() != string(key) {
			t.Fatalf("accepted event with key %q under message key %q: %s", ev.Key(), key, payload)
		}
		b, err := pipeline.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pipeline.Decode(ev.Topic(), []byte(ev.Key()), b, testLimits()); err != nil {
			t.Fatalf("re-encoded event rejected: %v\n%s", err, b)
		}
	})
}

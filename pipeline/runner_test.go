package pipeline_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

// memSource replays fixed messages and records commits. It stands in for our
// own Source interface (not for kafka-go) to test the runner's ordering rules.
type memSource struct {
	mu        sync.Mutex
	msgs      []pipeline.Message
	next      int
	committed int64 // highest committed offset + 1 (single partition)
	written   *memSink
	violation error
}

func (s *memSource) Fetch(ctx context.Context) (pipeline.Message, error) {
	s.mu.Lock()
	if s.next < len(s.msgs) {
		m := s.msgs[s.next]
		s.next++
		s.mu.Unlock()
		return m, nil
	}
	s.mu.Unlock()
	<-ctx.Done()
	return pipeline.Message{}, ctx.Err()
}

func (s *memSource) Commit(_ context.Context, msgs []pipeline.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range msgs {
		if !s.written.has(m.Offset) {
			s.violation = errors.New("committed an offset before it was written")
		}
		if m.Offset+1 > s.committed {
			s.committed = m.Offset + 1
		}
	}
	return nil
}

func (s *memSource) Close() error { return nil }

type memSink struct {
	mu       sync.Mutex
	failures int // fail this many writes first
	offsets  map[int64]bool
	writes   int
}

func (k *memSink) Write(_ context.Context, batch []pipeline.Record) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.writes++
	if k.failures > 0 {
		k.failures--
		return errors.New("clickhouse unavailable")
	}
	for _, r := range batch {
		k.offsets[r.Msg.Offset] = true
	}
	return nil
}

// attempts is the number of writes tried so far, failed ones included.
func (k *memSink) attempts() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.writes
}

func (k *memSink) has(o int64) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.offsets[o]
}

// memMessages encodes the events of testevents.Build(contacts) as messages
// with consecutive offsets.
func memMessages(contacts int) []pipeline.Message {
	var msgs []pipeline.Message
	for i, m := range testevents.Messages(testevents.Build(contacts).Events) {
		msgs = append(msgs, pipeline.Message{Topic: m.Topic, Offset: int64(i), Key: m.Key, Value: m.Value})
	}
	return msgs
}

// newMemRunner returns a runner over the in-memory source and sink with
// short intervals and the events' dates accepted; tune adjusts the config.
func newMemRunner(t *testing.T, src *memSource, sink *memSink, tune func(*pipeline.RunnerConfig)) *pipeline.Runner {
	t.Helper()
	cfg := pipeline.DefaultRunnerConfig()
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.Limits.Now = func() time.Time { return testevents.Base.Add(30 * 24 * time.Hour) }
	tune(&cfg)
	r, err := pipeline.NewRunner(cfg, src, sink, nil, nil, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunnerCommitsOnlyWrittenAndRetries(t *testing.T) {
	defer goleak.VerifyNone(t)
	msgs := memMessages(30)
	tests := []struct {
		name     string
		failures int
		batch    int
	}{
		{"healthy sink", 0, 50},
		{"sink fails three times", 3, 50},
		{"batch larger than input", 1, 100000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := &memSink{failures: tc.failures, offsets: map[int64]bool{}}
			src := &memSource{msgs: msgs, written: sink}
			r := newMemRunner(t, src, sink, func(cfg *pipeline.RunnerConfig) {
				cfg.BatchSize = tc.batch
				cfg.MaxBackoff = 20 * time.Millisecond
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- r.Run(ctx) }()
			deadline := time.Now().Add(10 * time.Second)
			for {
				src.mu.Lock()
				c := src.committed
				src.mu.Unlock()
				if c == int64(len(msgs)) || time.Now().After(deadline) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if src.violation != nil {
				t.Fatal(src.violation)
			}
			if src.committed != int64(len(msgs)) {
				t.Fatalf("committed up to %d, want %d", src.committed, len(msgs))
			}
			if sink.writes < tc.failures+1 {
				t.Fatalf("%d writes, want at least %d (retries)", sink.writes, tc.failures+1)
			}
		})
	}
}

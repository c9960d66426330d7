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

// refusingSink writes into a memSink but refuses, permanently, the events
// refuse picks, as ClickHouse refuses a value it cannot store; or fails
// every write with fatal.
type refusingSink struct {
	*memSink
	refuse func(pipeline.Record) bool
	fatal  error
}

func (s *refusingSink) Write(ctx context.Context, batch []pipeline.Record) error {
	if s.fatal != nil {
		s.memSink.mu.Lock()
		s.memSink.writes++
		s.memSink.mu.Unlock()
		return s.fatal
	}
	var refused []pipeline.Refused
	var ok []pipeline.Record
	for i, rec := range batch {
		if rec.Reject == nil && s.refuse(rec) {
			refused = append(refused, pipeline.Refused{Index: i, Detail: "value refused"})
			continue
		}
		ok = append(ok, rec)
	}
	if err := s.memSink.Write(ctx, ok); err != nil {
		return err
	}
	if len(refused) > 0 {
		return &pipeline.RefusedError{Records: refused}
	}
	return nil
}

type memDLQ struct {
	mu   sync.Mutex
	recs []pipeline.Record
}

func (d *memDLQ) Send(_ context.Context, rejects []pipeline.Record) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.recs = append(d.recs, rejects...)
	return nil
}

func runnerWith(t *testing.T, src pipeline.Source, sink pipeline.Sink, dlq pipeline.DeadLetters) *pipeline.Runner {
	t.Helper()
	cfg := pipeline.DefaultRunnerConfig()
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.BatchSize = 50
	cfg.MaxBackoff = 20 * time.Millisecond
	cfg.Limits.Now = func() time.Time { return testevents.Base.Add(30 * 24 * time.Hour) }
	r, err := pipeline.NewRunner(cfg, src, sink, dlq, nil, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRunnerRefusedRecordsBecomeRejects: the sink refuses two events of
// the stream permanently; they are written as rejects (reason
// refused_by_storage) and dead-lettered, everything else is written, and
// every offset is committed: the stream goes on.
func TestRunnerRefusedRecordsBecomeRejects(t *testing.T) {
	defer goleak.VerifyNone(t)
	msgs := memMessages(30)
	refuse := map[int64]bool{7: true, int64(len(msgs) - 3): true}
	mem := &memSink{offsets: map[int64]bool{}}
	sink := &refusingSink{memSink: mem, refuse: func(r pipeline.Record) bool { return refuse[r.Msg.Offset] }}
	src := &memSource{msgs: msgs, written: mem}
	dlq := &memDLQ{}
	r := runnerWith(t, src, sink, dlq)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		src.mu.Lock()
		c := src.committed
		src.mu.Unlock()
		if c == int64(len(msgs)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("committed up to %d of %d: the stream stopped at the refused record", c, len(msgs))
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if src.violation != nil {
		t.Fatal(src.violation)
	}
	for o := range int64(len(msgs)) {
		if !mem.has(o) {
			t.Errorf("offset %d neither written nor written as a reject", o)
		}
	}
	dlq.mu.Lock()
	defer dlq.mu.Unlock()
	if len(dlq.recs) != len(refuse) {
		t.Fatalf("%d dead letters, want the %d refused records", len(dlq.recs), len(refuse))
	}
	for _, rec := range dlq.recs {
		if !refuse[rec.Msg.Offset] || rec.Reject == nil || rec.Reject.Reason != pipeline.ReasonRefusedByStorage || rec.Reject.Detail != "value refused" || rec.Event != nil {
			t.Errorf("dead letter at offset %d: reject %+v, event %v", rec.Msg.Offset, rec.Reject, rec.Event)
		}
	}
}

// TestRunnerStopsOnFatal: a fatal sink error stops Run at once with an
// error of class Fatal carrying the advice, after one attempt, with
// nothing committed.
func TestRunnerStopsOnFatal(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := &memSink{offsets: map[int64]bool{}}
	sink := &refusingSink{memSink: mem, fatal: pipeline.NewFatal(errors.New("insert into ticket_events: UNKNOWN_TABLE"), "run 'voc migrate'")}
	src := &memSource{msgs: memMessages(30), written: mem}
	r := runnerWith(t, src, sink, nil)
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Run goes on after a fatal error")
	}
	var fatal *pipeline.FatalError
	if !errors.As(err, &fatal) || fatal.Advice != "run 'voc migrate'" {
		t.Fatalf("Run = %v, want the fatal error with its advice", err)
	}
	if n := mem.attempts(); n != 1 {
		t.Errorf("%d write attempts, want 1 (fatal errors are not retried)", n)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.committed != 0 {
		t.Errorf("committed up to %d after a fatal write error", src.committed)
	}
}

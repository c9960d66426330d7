package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestBatcher(t *testing.T) {
	b := newBatcher(3, 20*time.Millisecond)
	defer b.stop()
	if b.untilNext() != nil || b.take() != nil {
		t.Fatal("an empty batcher is due or has a batch")
	}
	if b.add(Record{Msg: Message{Offset: 1}}) || b.add(Record{Msg: Message{Offset: 2}}) {
		t.Fatal("full before size records")
	}
	if !b.add(Record{Msg: Message{Offset: 3}}) {
		t.Fatal("not full at size records")
	}
	if got := b.take(); len(got) != 3 || got[2].Msg.Offset != 3 {
		t.Fatalf("take = %v", got)
	}
	if b.untilNext() != nil {
		t.Fatal("due after take emptied it")
	}
	// A partial batch is due once its oldest record has waited the interval.
	t0 := time.Now()
	b.add(Record{Msg: Message{Offset: 4}})
	select {
	case <-b.untilNext():
	case <-time.After(10 * time.Second):
		t.Fatal("a partial batch never became due")
	}
	if waited := time.Since(t0); waited < 20*time.Millisecond {
		t.Errorf("due after %s, before the interval", waited)
	}
	if got := b.take(); len(got) != 1 || got[0].Msg.Offset != 4 {
		t.Fatalf("take = %v", got)
	}
}

func TestRetrierByErrorClass(t *testing.T) {
	refused := &RefusedError{Records: []Refused{{Index: 0, Detail: "no"}}}
	fatal := NewFatal(errors.New("unknown table"), "run voc migrate")
	tests := []struct {
		name      string
		errs      []error // returned by successive attempts, then nil
		wantCalls int
		wantClass ErrorClass
		wantErr   bool
	}{
		{"success", nil, 1, Transient, false},
		{"transient then success", []error{errors.New("down"), errors.New("down")}, 3, Transient, false},
		{"permanent is not retried", []error{refused}, 1, Permanent, true},
		{"fatal is not retried", []error{errors.New("down"), fatal}, 2, Fatal, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ready atomic.Bool
			ready.Store(true)
			r := &retrier{maxBackoff: time.Millisecond, attemptTimeout: time.Minute, metrics: NewMetrics(nil), log: slog.New(slog.DiscardHandler), ready: &ready}
			calls := 0
			err := r.do(context.Background(), "write", func(context.Context) error {
				calls++
				if calls <= len(tc.errs) {
					return tc.errs[calls-1]
				}
				return nil
			})
			if calls != tc.wantCalls || (err != nil) != tc.wantErr || err != nil && Classify(err) != tc.wantClass {
				t.Errorf("%d calls, err %v (class %v); want %d calls, error %v of class %v", calls, err, Classify(err), tc.wantCalls, tc.wantErr, tc.wantClass)
			}
			if !ready.Load() {
				t.Error("not ready after the step ended")
			}
		})
	}
	// Transient errors are retried until the context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var ready atomic.Bool
	r := &retrier{maxBackoff: time.Millisecond, attemptTimeout: time.Minute, metrics: NewMetrics(nil), log: slog.New(slog.DiscardHandler), ready: &ready}
	err := r.do(ctx, "write", func(context.Context) error { return errors.New("down") })
	if err == nil || Classify(err) != Transient || ready.Load() {
		t.Errorf("after the context ended: err %v, ready %v", err, ready.Load())
	}
}

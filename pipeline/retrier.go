package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// retrier runs one step of a flush (write, dead-letter, commit) until it
// succeeds: transient errors are retried with exponential backoff and
// jitter, each attempt bounded by attemptTimeout; a permanent or fatal
// error (see Classify) is returned at once, as is the last error when ctx
// ends. While it retries, ready is false.
type retrier struct {
	maxBackoff     time.Duration
	attemptTimeout time.Duration
	metrics        *Metrics
	log            *slog.Logger
	ready          *atomic.Bool
}

func (r *retrier) do(ctx context.Context, stage string, op func(context.Context) error) error {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, r.attemptTimeout)
		err := op(actx)
		cancel()
		if err == nil {
			if attempt > 1 {
				r.log.Info("recovered", "stage", stage, "attempts", attempt)
				r.ready.Store(true)
			}
			return nil
		}
		if class := Classify(err); class != Transient {
			if attempt > 1 {
				r.ready.Store(true) // the step is no longer being retried
			}
			return fmt.Errorf("%s: %w", stage, err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (gave up: %v)", stage, err, ctx.Err())
		}
		r.ready.Store(false)
		if stage == "write" {
			r.metrics.WriteErrors.Inc()
		}
		r.metrics.Retries.WithLabelValues(stage).Inc()
		sleep := backoff/2 + rand.N(backoff/2+1) // jitter in [backoff/2, backoff]
		r.log.Warn("batch step failed; retrying", "stage", stage, "attempt", attempt, "retry_in", sleep.Round(time.Millisecond), "err", err)
		select {
		case <-time.After(sleep):
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (gave up: %v)", stage, err, ctx.Err())
		}
		backoff = min(backoff*2, r.maxBackoff)
	}
}

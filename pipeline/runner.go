package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ErrEndOfInput is returned by a finite Source's Fetch when it is exhausted.
var ErrEndOfInput = errors.New("end of input")

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	BatchSize       int           // flush when this many records are buffered
	FlushInterval   time.Duration // or when the oldest buffered record is this old
	ShutdownTimeout time.Duration // bound on the final flush after ctx ends
	Limits          Limits
	EnrichWorkers   int           // parallel enrichment; default GOMAXPROCS
	MaxBackoff      time.Duration // cap of the retry backoff; default 10s
	// AttemptTimeout bounds one write, dead-letter or commit attempt, so a
	// hung connection becomes a retry instead of a stall; default 2 min.
	AttemptTimeout time.Duration
}

// DefaultRunnerConfig: 10000 records or 1 s, 30 s shutdown.
func DefaultRunnerConfig() RunnerConfig {
	return RunnerConfig{BatchSize: 10000, FlushInterval: time.Second, ShutdownTimeout: 30 * time.Second, Limits: DefaultLimits()}
}

// Validate reports a configuration error.
func (c RunnerConfig) Validate() error {
	if c.BatchSize < 1 || c.FlushInterval <= 0 || c.ShutdownTimeout <= 0 {
		return fmt.Errorf("runner: batch size, flush interval and shutdown timeout must be positive (got %d, %s, %s)", c.BatchSize, c.FlushInterval, c.ShutdownTimeout)
	}
	return c.Limits.Validate()
}

// Runner moves messages from a Source to a Sink: decode, validate, enrich,
// batch, write, dead-letter, and only then commit. Memory is bounded by the
// batch size: while a batch is being written nothing more is fetched.
type Runner struct {
	cfg      RunnerConfig
	src      Source
	sink     Sink
	dlq      DeadLetters
	enricher Enricher
	metrics  *Metrics
	log      *slog.Logger
	ready    atomic.Bool
}

// NewRunner wires a runner. enricher may be nil (NopEnricher).
func NewRunner(cfg RunnerConfig, src Source, sink Sink, dlq DeadLetters, enricher Enricher, m *Metrics, log *slog.Logger) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if enricher == nil {
		enricher = NopEnricher{}
	}
	if cfg.EnrichWorkers <= 0 {
		cfg.EnrichWorkers = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Second
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 2 * time.Minute
	}
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Runner{cfg: cfg, src: src, sink: sink, dlq: dlq, enricher: enricher, metrics: m, log: log}, nil
}

// Ready reports whether the runner has written or is fetching normally
// (false while a write is being retried).
func (r *Runner) Ready() bool { return r.ready.Load() }

type fetched struct {
	msg Message
	err error
}

// Run consumes until ctx ends, then flushes what it holds (bounded by
// ShutdownTimeout) and returns nil on a clean stop.
func (r *Runner) Run(ctx context.Context) error {
	fetchCtx, stopFetch := context.WithCancel(ctx)
	defer stopFetch()
	// One fetcher goroutine; the unbuffered channel means it holds at most
	// one message while the loop below is busy writing (backpressure).
	msgs := make(chan fetched)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(msgs)
		for {
			m, err := r.src.Fetch(fetchCtx)
			if err != nil && (fetchCtx.Err() != nil || errors.Is(err, ErrEndOfInput)) {
				return // closing msgs makes the loop flush and stop
			}
			select {
			case msgs <- fetched{m, err}:
			case <-fetchCtx.Done():
				return
			}
			if err != nil {
				// Transient fetch errors: back off a little; kafka-go reconnects.
				select {
				case <-time.After(500 * time.Millisecond):
				case <-fetchCtx.Done():
					return
				}
			}
		}
	}()
	defer wg.Wait()

	// Writes run on their own context: SIGTERM must not abort a write half
	// way, only the shutdown timeout may.
	flushCtx, cancelFlush := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelFlush()
	// Once ctx ends every write gets ShutdownTimeout, including one the loop
	// is blocked on while a full batch waits (ClickHouse down at SIGTERM).
	var bound atomic.Pointer[time.Timer]
	stopBound := context.AfterFunc(ctx, func() { bound.Store(time.AfterFunc(r.cfg.ShutdownTimeout, cancelFlush)) })
	defer func() {
		stopBound()
		if t := bound.Load(); t != nil {
			t.Stop()
		}
	}()

	// One batch is written in the background while the next one fills, so
	// fetching and writing overlap. At most two batches are in memory; a
	// full batch waits for the write in flight (backpressure). Writes stay
	// strictly ordered, so commits only ever advance over written offsets.
	capacity := min(r.cfg.BatchSize, 65536)
	batch := make([]Record, 0, capacity)
	var inflight chan error
	wait := func() error {
		if inflight == nil {
			return nil
		}
		err := <-inflight
		inflight = nil
		return err
	}
	dispatch := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := wait(); err != nil {
			return err
		}
		b, done := batch, make(chan error, 1)
		batch = make([]Record, 0, capacity)
		inflight = done
		go func() { done <- r.flush(flushCtx, b) }()
		return nil
	}
	shutdown := func() error {
		r.ready.Store(false)
		stopFetch()
		if err := wait(); err != nil {
			return fmt.Errorf("write in flight at shutdown failed; its messages and later ones stay uncommitted and will be redelivered: %w", err)
		}
		if len(batch) > 0 {
			if err := r.flush(flushCtx, batch); err != nil {
				return fmt.Errorf("final flush on shutdown (uncommitted messages will be redelivered): %w", err)
			}
		}
		r.log.Info("runner stopped after final flush")
		return nil
	}

	timer := time.NewTimer(r.cfg.FlushInterval)
	timer.Stop()
	timerOn := false
	r.ready.Store(true)
	for {
		select {
		case f, ok := <-msgs:
			if !ok {
				return shutdown()
			}
			if f.err != nil {
				r.log.Warn("fetch failed; retrying", "err", f.err)
				r.metrics.Retries.WithLabelValues("fetch").Inc()
				continue
			}
			batch = append(batch, r.decode(f.msg))
			if !timerOn {
				timer.Reset(r.cfg.FlushInterval)
				timerOn = true
			}
			if len(batch) >= r.cfg.BatchSize {
				if err := dispatch(); err != nil {
					return err
				}
			}
		case <-timer.C:
			timerOn = false
			if err := dispatch(); err != nil {
				return err
			}
		case err := <-inflight: // a write finished while the batch fills
			inflight = nil
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return shutdown()
		}
	}
}

func (r *Runner) decode(m Message) Record {
	r.metrics.Consumed.WithLabelValues(m.Topic).Inc()
	if m.HighWaterMark > 0 {
		r.metrics.Lag.WithLabelValues(m.Topic, partitionLabel(m.Partition)).Set(float64(m.HighWaterMark - m.Offset - 1))
	}
	ev, err := Decode(m.Topic, m.Key, m.Value, r.cfg.Limits)
	if err != nil {
		var rej *RejectError
		if !errors.As(err, &rej) {
			rej = &RejectError{Reason: ReasonInvalidJSON, Detail: err.Error()}
		}
		return Record{Msg: m, Reject: rej}
	}
	return Record{Msg: m, Event: ev}
}

// flush enriches, writes, dead-letters and commits one batch, retrying each
// step with exponential backoff and jitter until it succeeds or ctx ends.
func (r *Runner) flush(ctx context.Context, batch []Record) error {
	t0 := time.Now()
	r.enrich(batch)
	var rejects []Record
	for _, rec := range batch {
		if rec.Reject != nil {
			rejects = append(rejects, rec)
		}
	}
	if err := r.retry(ctx, "write", func(ctx context.Context) error { return r.sink.Write(ctx, batch) }); err != nil {
		return err
	}
	tWrite := time.Since(t0)
	if len(rejects) > 0 && r.dlq != nil {
		if err := r.retry(ctx, "deadletter", func(ctx context.Context) error { return r.dlq.Send(ctx, rejects) }); err != nil {
			return err
		}
	}
	msgs := make([]Message, len(batch))
	for i := range batch {
		msgs[i] = batch[i].Msg
	}
	tCommit := time.Now()
	if err := r.retry(ctx, "commit", func(ctx context.Context) error { return r.src.Commit(ctx, msgs) }); err != nil {
		return err
	}
	commitMS := time.Since(tCommit).Milliseconds()
	r.countFlushed(batch)
	r.metrics.Flushes.Inc()
	r.metrics.BatchSize.Observe(float64(len(batch)))
	r.metrics.FlushSeconds.Observe(time.Since(t0).Seconds())
	r.log.Debug("flushed batch", "records", len(batch), "rejects", len(rejects), "ms", time.Since(t0).Milliseconds(),
		"write_ms", tWrite.Milliseconds(), "commit_ms", commitMS)
	return nil
}

// countFlushed updates the per-topic counters and the committed-offset
// gauges once per label set rather than once per record.
func (r *Runner) countFlushed(batch []Record) {
	type part struct {
		topic     string
		partition int
	}
	type rejected struct{ topic, reason string }
	written := map[string]int{}
	rejects := map[rejected]int{}
	committed := map[part]int64{}
	for _, rec := range batch {
		if rec.Reject != nil {
			rejects[rejected{rec.Msg.Topic, string(rec.Reject.Reason)}]++
		} else {
			written[rec.Msg.Topic]++
		}
		committed[part{rec.Msg.Topic, rec.Msg.Partition}] = rec.Msg.Offset // the last record of a partition
	}
	for topic, n := range written {
		r.metrics.Written.WithLabelValues(topic).Add(float64(n))
	}
	for k, n := range rejects {
		r.metrics.Rejected.WithLabelValues(k.topic, k.reason).Add(float64(n))
	}
	for k, off := range committed {
		r.metrics.Committed.WithLabelValues(k.topic, partitionLabel(k.partition)).Set(float64(off))
	}
}

// enrich runs the enricher over the batch's texts on a bounded worker pool.
func (r *Runner) enrich(batch []Record) {
	if _, nop := r.enricher.(NopEnricher); nop {
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range r.cfg.EnrichWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(batch) {
					return
				}
				if ev := batch[i].Event; ev != nil && (len(ev.Texts()) > 0 || len(ev.Notes()) > 0) {
					batch[i].Enrichment = EnrichEvent(r.enricher, ev)
				}
			}
		}()
	}
	wg.Wait()
}

func (r *Runner) retry(ctx context.Context, stage string, op func(context.Context) error) error {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, r.cfg.AttemptTimeout)
		err := op(actx)
		cancel()
		if err == nil {
			if attempt > 1 {
				r.log.Info("recovered", "stage", stage, "attempts", attempt)
				r.ready.Store(true)
			}
			return nil
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
		backoff = min(backoff*2, r.cfg.MaxBackoff)
	}
}

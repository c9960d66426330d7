package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	retry    *retrier
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
	r := &Runner{cfg: cfg, src: src, sink: sink, dlq: dlq, enricher: enricher, metrics: m, log: log}
	r.retry = &retrier{maxBackoff: cfg.MaxBackoff, attemptTimeout: cfg.AttemptTimeout, metrics: m, log: log, ready: &r.ready}
	return r, nil
}

// Ready reports whether the runner has written or is fetching normally
// (false while a write is being retried).
func (r *Runner) Ready() bool { return r.ready.Load() }

type fetched struct {
	msg Message
	err error
}

// Run consumes until ctx ends, then flushes what it holds (bounded by
// ShutdownTimeout) and returns nil on a clean stop. A fatal error (see
// Classify) stops it at once, without committing what was not written; the
// error says what to do.
func (r *Runner) Run(ctx context.Context) error {
	fetchCtx, stopFetch := context.WithCancel(ctx)
	msgs := make(chan fetched)
	var wg sync.WaitGroup
	wg.Go(func() { r.fetch(fetchCtx, msgs) })
	defer func() { stopFetch(); wg.Wait() }()

	flushCtx, stopFlushing := r.flushContext(ctx)
	defer stopFlushing()
	batches := newBatcher(r.cfg.BatchSize, r.cfg.FlushInterval)
	defer batches.stop()
	w := &pipelinedWriter{flush: func(b []Record) error { return r.flush(flushCtx, b) }}

	r.ready.Store(true)
	for {
		select {
		case f, ok := <-msgs:
			if !ok {
				return r.shutdown(flushCtx, stopFetch, w, batches)
			}
			if f.err != nil {
				if Classify(f.err) == Fatal {
					w.wait() // the write in flight, if any; its commit is not needed to stop
					return fmt.Errorf("fetch: %w", f.err)
				}
				r.log.Warn("fetch failed; retrying", "err", f.err)
				r.metrics.Retries.WithLabelValues("fetch").Inc()
				continue
			}
			if batches.add(r.decode(f.msg)) {
				if err := w.dispatch(batches.take()); err != nil {
					return err
				}
			}
		case <-batches.untilNext():
			if err := w.dispatch(batches.take()); err != nil {
				return err
			}
		case err := <-w.done(): // a write finished while the batch fills
			if err := w.finished(err); err != nil {
				return err
			}
		case <-ctx.Done():
			return r.shutdown(flushCtx, stopFetch, w, batches)
		}
	}
}

// fetch feeds msgs from the source until ctx ends. msgs is unbuffered, so
// it holds at most one message while the loop is busy writing
// (backpressure).
func (r *Runner) fetch(ctx context.Context, msgs chan<- fetched) {
	defer close(msgs)
	for {
		m, err := r.src.Fetch(ctx)
		if err != nil && (ctx.Err() != nil || errors.Is(err, ErrEndOfInput)) {
			return // closing msgs makes the loop flush and stop
		}
		select {
		case msgs <- fetched{m, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			// Transient fetch errors: back off a little; kafka-go reconnects.
			select {
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
				return
			}
		}
	}
}

// flushContext returns the context writes run on: SIGTERM (ctx ending) must
// not abort a write half way, only the shutdown timeout may, and once ctx
// ends every write gets ShutdownTimeout, including one the loop is blocked
// on while a full batch waits (ClickHouse down at SIGTERM).
func (r *Runner) flushContext(ctx context.Context) (context.Context, func()) {
	flushCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var bound atomic.Pointer[time.Timer]
	stopBound := context.AfterFunc(ctx, func() { bound.Store(time.AfterFunc(r.cfg.ShutdownTimeout, cancel)) })
	return flushCtx, func() {
		stopBound()
		if t := bound.Load(); t != nil {
			t.Stop()
		}
		cancel()
	}
}

// shutdown stops fetching, waits for the write in flight and flushes the
// partial batch.
func (r *Runner) shutdown(flushCtx context.Context, stopFetch func(), w *pipelinedWriter, batches *batcher) error {
	r.ready.Store(false)
	stopFetch()
	if err := w.wait(); err != nil {
		return fmt.Errorf("write in flight at shutdown failed; its messages and later ones stay uncommitted and will be redelivered: %w", err)
	}
	if batch := batches.take(); batch != nil {
		if err := r.flush(flushCtx, batch); err != nil {
			return fmt.Errorf("final flush on shutdown (uncommitted messages will be redelivered): %w", err)
		}
	}
	r.log.Info("runner stopped after final flush")
	return nil
}

// pipelinedWriter writes one batch in the background while the next one
// fills, so fetching and writing overlap. At most two batches are in
// memory; a full batch waits for the write in flight (backpressure).
// Writes stay strictly ordered, so commits only ever advance over written
// offsets.
type pipelinedWriter struct {
	flush    func([]Record) error
	inflight chan error
}

// dispatch waits for the write in flight, then starts writing batch (a nil
// batch is not written).
func (w *pipelinedWriter) dispatch(batch []Record) error {
	if batch == nil {
		return nil
	}
	if err := w.wait(); err != nil {
		return err
	}
	done := make(chan error, 1)
	w.inflight = done
	go func() { done <- w.flush(batch) }()
	return nil
}

// done delivers the result of the write in flight (never, when idle).
func (w *pipelinedWriter) done() <-chan error { return w.inflight }

// finished records that the write in flight delivered err.
func (w *pipelinedWriter) finished(err error) error {
	w.inflight = nil
	return err
}

// wait waits for the write in flight, if any.
func (w *pipelinedWriter) wait() error {
	if w.inflight == nil {
		return nil
	}
	return w.finished(<-w.inflight)
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

// flush enriches, writes, dead-letters and commits one batch, each step
// retried while it fails transiently.
func (r *Runner) flush(ctx context.Context, batch []Record) error {
	t0 := time.Now()
	r.enrich(batch)
	if err := r.write(ctx, batch); err != nil {
		return err
	}
	tWrite := time.Since(t0)
	var rejects []Record
	for _, rec := range batch {
		if rec.Reject != nil {
			rejects = append(rejects, rec)
		}
	}
	if len(rejects) > 0 && r.dlq != nil {
		if err := r.retry.do(ctx, "deadletter", func(ctx context.Context) error { return r.dlq.Send(ctx, rejects) }); err != nil {
			return err
		}
	}
	msgs := make([]Message, len(batch))
	for i := range batch {
		msgs[i] = batch[i].Msg
	}
	tCommit := time.Now()
	if err := r.retry.do(ctx, "commit", func(ctx context.Context) error { return r.src.Commit(ctx, msgs) }); err != nil {
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

// write writes the batch to the sink. Records the sink refuses permanently
// become rejects (ReasonRefusedByStorage, with the sink's reason), are
// written to the rejects table, and go on to the dead-letter topic with the
// other rejects; the rest of the batch is written.
func (r *Runner) write(ctx context.Context, batch []Record) error {
	err := r.retry.do(ctx, "write", func(ctx context.Context) error { return r.sink.Write(ctx, batch) })
	var refused *RefusedError
	if !errors.As(err, &refused) {
		return err
	}
	recs := make([]Record, 0, len(refused.Records))
	for _, f := range refused.Records {
		if f.Index < 0 || f.Index >= len(batch) || batch[f.Index].Reject != nil {
			return NewFatal(fmt.Errorf("sink refused record %d of a batch of %d", f.Index, len(batch)), "the sink reported a record it was not given: report a bug")
		}
		rec := &batch[f.Index]
		r.log.Warn("record refused by the sink: sent to rejects and the dead-letter topic", "topic", rec.Msg.Topic, "partition", rec.Msg.Partition, "offset", rec.Msg.Offset, "detail", f.Detail)
		rec.Event, rec.Enrichment = nil, Enrichment{}
		rec.Reject = &RejectError{Reason: ReasonRefusedByStorage, Detail: f.Detail}
		recs = append(recs, *rec)
	}
	err = r.retry.do(ctx, "write", func(ctx context.Context) error { return r.sink.Write(ctx, recs) })
	if errors.As(err, &refused) {
		return NewFatal(fmt.Errorf("write %d refused records to the rejects table: %w", len(recs), err), "the rejects table refuses rows: check its schema ('voc migrate')")
	}
	return err
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

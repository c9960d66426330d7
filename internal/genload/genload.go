package genload

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// Options tune a load; the zero value is fine.
type Options struct {
	BatchSize int // records per ClickHouse write; default 20000
	Workers   int // parallel enrichment; default 2
	// Progress, if set, is called after each written batch with the records
	// written so far (from the goroutine that writes: one batch is written
	// while the next is generated and enriched).
	Progress func(written int64)
	// Optimize merges every table of the database once the load is done
	// (OPTIMIZE ... FINAL): queries then read one part per partition, and no
	// background merge runs while tests read the data.
	Optimize bool
	// Invalid, if set, receives the messages that fail validation (the
	// generator's deliberately malformed ones, Config.MalformedRate) instead
	// of failing the load, e.g. to send them through Kafka to the pipeline's
	// dead-letter path.
	Invalid func(ctx context.Context, topic string, key, value []byte, err error) error
}

// Load generates cfg's history and writes it to conn's database with
// enricher (nil: texts stored as generated, which only test data without
// personal data may do), memoised by text (see Memo). It returns the
// generator's summary.
func Load(ctx context.Context, conn driver.Conn, cfg generate.Config, enricher pipeline.Enricher, opt Options) (*generate.Summary, error) {
	sum, err := generate.Run(ctx, cfg, NewSink(ctx, conn, enricher, opt), generate.Options{})
	if err != nil {
		return sum, fmt.Errorf("load generated data: %w", err)
	}
	if opt.Optimize {
		if err := Optimize(ctx, conn); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// Optimize merges the parts of every MergeTree table of conn's database.
// (A refreshable view's transient .tmp.inner_id table is left out: it may
// be gone by the time OPTIMIZE reaches it.)
func Optimize(ctx context.Context, conn driver.Conn) error {
	rows, err := conn.Query(ctx, "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND NOT startsWith(name, '.') ORDER BY name")
	if err != nil {
		return fmt.Errorf("list tables to optimize: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		if err := conn.Exec(ctx, "OPTIMIZE TABLE `"+t+"` FINAL"); err != nil {
			return fmt.Errorf("optimize %s: %w", t, err)
		}
	}
	return nil
}

// NewSink is a generate.Sink that validates, enriches (memoised, see Memo)
// and writes the generated messages to conn's database in batches: `voc generate
// --to clickhouse`.
func NewSink(ctx context.Context, conn driver.Conn, enricher pipeline.Enricher, opt Options) generate.Sink {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 20000
	}
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	if enricher == nil {
		enricher = pipeline.NopEnricher{}
	}
	enricher = Memo(enricher)
	lim := pipeline.DefaultLimits()
	// Generated histories lie in the past or future of the wall clock: accept
	// all of it, as `voc demo` does.
	lim.MaxPast = 100 * 365 * 24 * time.Hour
	lim.MaxFuture = lim.MaxPast
	return &sink{ctx: ctx, w: chsink.NewSink(conn), enricher: enricher, lim: lim, opt: opt, offsets: map[string]int64{}}
}

type sink struct {
	ctx      context.Context
	w        *chsink.Sink
	enricher pipeline.Enricher
	lim      pipeline.Limits
	opt      Options
	offsets  map[string]int64
	batch    []pipeline.Record
	written  int64

	// One batch is written to ClickHouse while the next is generated and
	// enriched: the write of the previous one, if any, is in flight.
	inflight chan error
}

func (s *sink) Write(ctx context.Context, topic string, key, value []byte) error {
	off := s.offsets[topic]
	s.offsets[topic]++
	msg := pipeline.Message{Topic: topic, Offset: off, Key: key, Value: value}
	ev, err := pipeline.Decode(topic, key, value, s.lim)
	if err != nil && s.opt.Invalid != nil {
		s.offsets[topic]--
		return s.opt.Invalid(ctx, topic, key, value, err)
	}
	if err != nil {
		return fmt.Errorf("generated %s message at offset %d does not pass validation (a generator bug): %w", topic, off, err)
	}
	s.batch = append(s.batch, pipeline.Record{Msg: msg, Event: ev})
	if len(s.batch) >= s.opt.BatchSize {
		return s.flush(ctx)
	}
	return nil
}

// Close writes what is left and waits for it.
func (s *sink) Close() error {
	err := s.flush(s.ctx)
	return errors.Join(err, s.wait())
}

// wait waits for the write in flight and returns its error.
func (s *sink) wait() error {
	if s.inflight == nil {
		return nil
	}
	err := <-s.inflight
	s.inflight = nil
	return err
}

// flush enriches the batch, waits for the previous write, and starts the
// batch's write.
func (s *sink) flush(ctx context.Context) error {
	if len(s.batch) == 0 {
		return nil
	}
	if _, nop := s.enricher.(pipeline.NopEnricher); !nop {
		var wg sync.WaitGroup
		for w := range s.opt.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(s.batch); i += s.opt.Workers {
					if ev := s.batch[i].Event; len(ev.Texts()) > 0 || len(ev.Notes()) > 0 {
						s.batch[i].Enrichment = pipeline.EnrichEvent(s.enricher, ev)
					}
				}
			}()
		}
		wg.Wait()
	}
	if err := s.wait(); err != nil {
		return err
	}
	batch := s.batch
	s.batch = make([]pipeline.Record, 0, s.opt.BatchSize)
	s.inflight = make(chan error, 1)
	go func(done chan<- error) {
		if err := s.w.Write(ctx, batch); err != nil {
			done <- fmt.Errorf("write %d generated records to ClickHouse: %w", len(batch), err)
			return
		}
		s.written += int64(len(batch))
		if s.opt.Progress != nil {
			s.opt.Progress(s.written)
		}
		done <- nil
	}(s.inflight)
	return nil
}

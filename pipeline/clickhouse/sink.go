package clickhouse

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"golang.org/x/sync/errgroup"

	"github.com/voc-analytics/voc/pipeline"
)

// Sink writes batches to one database.
type Sink struct {
	conn driver.Conn
}

// NewSink uses conn, which must point at a migrated voc database.
func NewSink(conn driver.Conn) *Sink { return &Sink{conn: conn} }

type tableRows struct {
	table *Table
	rows  [][]any
}

// Write inserts the batch: events by table, rejects into rejects. Tables are
// written in parallel; any failure fails the whole call (the runner retries
// it, and re-inserted rows collapse by event_id).
func (s *Sink) Write(ctx context.Context, batch []pipeline.Record) error {
	tables := map[*Table]*tableRows{}
	for i := range batch {
		rec := &batch[i]
		t := TableFor(rec)
		if t == nil {
			return fmt.Errorf("no table for event type %q (topic %s, offset %d): the sink and pipeline.Kinds disagree", rec.Event.Env().Type, rec.Msg.Topic, rec.Msg.Offset)
		}
		tr := tables[t]
		if tr == nil {
			tr = &tableRows{table: t}
			tables[t] = tr
		}
		tr.rows = append(tr.rows, t.Row(rec))
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, tr := range tables {
		g.Go(func() error { return s.insert(gctx, tr) })
	}
	return g.Wait()
}

func (s *Sink) insert(ctx context.Context, tr *tableRows) error {
	t := tr.table
	b, err := s.conn.PrepareBatch(ctx, t.insert)
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", t.Name, err)
	}
	for _, row := range tr.rows {
		if err := b.Append(row...); err != nil {
			b.Abort()
			return fmt.Errorf("append row to %s: %w", t.Name, err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", len(tr.rows), t.Name, err)
	}
	return nil
}

package clickhouse

import (
	"context"
	"fmt"
	"sort"
	"sync"

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

// Write inserts the batch: events by table, rejects into rejects. Tables are
// written in parallel. Rows that ClickHouse refuses for their data (a
// constraint, a value it cannot parse) are isolated by splitting the
// insert, the other rows are written, and Write returns a
// *pipeline.RefusedError naming the refused records. Any other failure
// fails the whole call (marked fatal when retrying cannot help); the runner
// retries it, and re-inserted rows collapse by event_id.
func (s *Sink) Write(ctx context.Context, batch []pipeline.Record) error {
	byTable := map[*Table][]int{}
	for i := range batch {
		t := TableFor(&batch[i])
		if t == nil {
			return pipeline.NewFatal(fmt.Errorf("no table for event type %q (topic %s, offset %d)", batch[i].Event.Env().Type, batch[i].Msg.Topic, batch[i].Msg.Offset),
				"this build's sink and pipeline.Kinds disagree: report a bug")
		}
		byTable[t] = append(byTable[t], i)
	}
	var mu sync.Mutex
	var refused []pipeline.Refused
	g, gctx := errgroup.WithContext(ctx)
	for t, idx := range byTable {
		g.Go(func() error {
			rows := make([][]any, len(idx))
			for k, i := range idx {
				rows[k] = t.Row(&batch[i])
			}
			r, err := s.insert(gctx, t, rows, idx)
			mu.Lock()
			refused = append(refused, r...)
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if len(refused) > 0 {
		sort.Slice(refused, func(i, j int) bool { return refused[i].Index < refused[j].Index })
		return &pipeline.RefusedError{Records: refused}
	}
	return nil
}

// insert writes rows (batch indexes idx) into t. A row whose values the
// driver cannot encode is refused at once; when the server refuses the
// insert for its data, the rows are split in halves until the refused rows
// are single.
func (s *Sink) insert(ctx context.Context, t *Table, rows [][]any, idx []int) ([]pipeline.Refused, error) {
	var refused []pipeline.Refused
	err := s.send(ctx, t, rows, func(k int, err error) {
		refused = append(refused, pipeline.Refused{Index: idx[k], Detail: refusal(t, err)})
	})
	if err == nil || !rowError(err) {
		return refused, classify(err)
	}
	if len(rows) == 1 {
		return append(refused, pipeline.Refused{Index: idx[0], Detail: refusal(t, err)}), nil
	}
	// The refused rows so far were left out of the failed insert: split
	// what remains.
	left := refusedSet(refused)
	var keepRows [][]any
	var keepIdx []int
	for k := range rows {
		if !left[idx[k]] {
			keepRows, keepIdx = append(keepRows, rows[k]), append(keepIdx, idx[k])
		}
	}
	half := len(keepRows) / 2
	for _, part := range [][2]int{{0, half}, {half, len(keepRows)}} {
		r, err := s.insert(ctx, t, keepRows[part[0]:part[1]], keepIdx[part[0]:part[1]])
		refused = append(refused, r...)
		if err != nil {
			return refused, err
		}
	}
	return refused, nil
}

func refusedSet(rs []pipeline.Refused) map[int]bool {
	m := make(map[int]bool, len(rs))
	for _, r := range rs {
		m[r.Index] = true
	}
	return m
}

// send inserts rows into t in one batch. A row the driver cannot encode is
// reported to refuse and left out (the driver's batch is unusable after a
// failed Append, so it is prepared again without the row).
func (s *Sink) send(ctx context.Context, t *Table, rows [][]any, refuse func(k int, err error)) error {
	skip := map[int]bool{}
prepare:
	for {
		b, err := s.conn.PrepareBatch(ctx, t.insert)
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", t.Name, err)
		}
		n := 0
		for k, row := range rows {
			if skip[k] {
				continue
			}
			if err := b.Append(row...); err != nil {
				b.Abort()
				if pipeline.Classify(classify(err)) == pipeline.Fatal { // the schema, not this row
					return fmt.Errorf("append row to %s: %w", t.Name, err)
				}
				refuse(k, err)
				skip[k] = true
				continue prepare
			}
			n++
		}
		if n == 0 {
			b.Abort()
			return nil
		}
		if err := b.Send(); err != nil {
			return fmt.Errorf("insert %d rows into %s: %w", n, t.Name, err)
		}
		return nil
	}
}

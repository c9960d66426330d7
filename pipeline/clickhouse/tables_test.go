package clickhouse_test

import (
	"context"
	"slices"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// TestTablesMatchTheSchema: every column a descriptor writes exists in the
// migrated table, every column without a default is written, every event
// type is routed to an event table, and a row has a value per column.
func TestTablesMatchTheSchema(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	for _, tb := range chsink.Tables {
		t.Run(tb.Name, func(t *testing.T) {
			rows, err := db.Conn.Query(ctx, "SELECT name, default_kind FROM system.columns WHERE database = currentDatabase() AND table = ?", tb.Name)
			if err != nil {
				t.Fatal(err)
			}
			defaults := map[string]string{}
			for rows.Next() {
				var name, kind string
				if err := rows.Scan(&name, &kind); err != nil {
					t.Fatal(err)
				}
				defaults[name] = kind
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
			if len(defaults) == 0 {
				t.Fatalf("table %s not in the schema", tb.Name)
			}
			for _, c := range tb.Columns {
				kind, ok := defaults[c]
				if !ok {
					t.Errorf("column %s.%s is written but not in the schema", tb.Name, c)
				} else if kind == "MATERIALIZED" || kind == "ALIAS" {
					t.Errorf("column %s.%s is %s and cannot be inserted", tb.Name, c, kind)
				}
			}
			for c, kind := range defaults {
				if kind == "" && !slices.Contains(tb.Columns, c) {
					t.Errorf("column %s.%s has no default and is not written", tb.Name, c)
				}
			}
		})
	}
	for _, k := range pipeline.Kinds {
		for _, typ := range k.Types {
			ev := k.New()
			ev.Env().Type = typ
			rec := pipeline.Record{Event: ev}
			tb := chsink.TableFor(&rec)
			if tb == nil || !slices.Contains(chsink.EventTables, tb) {
				t.Errorf("event type %s goes to table %v, not an event table", typ, tb)
				continue
			}
			if n := len(tb.Row(&rec)); n != len(tb.Columns) {
				t.Errorf("%s row of %s has %d values for %d columns", tb.Name, typ, n, len(tb.Columns))
			}
		}
	}
	if got := chsink.TableFor(&pipeline.Record{Reject: &pipeline.RejectError{}}); got != chsink.Rejects {
		t.Errorf("a reject goes to %v", got)
	}
}

// TestCountQuery writes a batch twice: the raw count sees both copies, the
// count through FINAL each event once, and the rejects are counted when
// the rejects table is included.
func TestCountQuery(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	s := testevents.Build(5)
	batch := make([]pipeline.Record, 0, len(s.Events)+1)
	for i, ev := range s.Events {
		batch = append(batch, pipeline.Record{Msg: pipeline.Message{Topic: ev.Topic(), Offset: int64(i)}, Event: ev})
	}
	batch = append(batch, pipeline.Record{Msg: pipeline.Message{Topic: pipeline.TopicChats, Offset: 99, Value: []byte("{")}, Reject: &pipeline.RejectError{Reason: pipeline.ReasonInvalidJSON}})
	for _, tb := range chsink.Tables { // both copies stay until FINAL collapses them
		if err := db.Conn.Exec(ctx, "SYSTEM STOP MERGES "+tb.Name); err != nil {
			t.Fatal(err)
		}
	}
	sink := chsink.NewSink(db.Conn)
	for range 2 {
		if err := sink.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		tables []*chsink.Table
		final  bool
		want   int
	}{
		{"events through FINAL", chsink.EventTables, true, len(s.Events)},
		{"events raw", chsink.EventTables, false, 2 * len(s.Events)},
		{"events and rejects through FINAL", chsink.Tables, true, len(s.Events) + 1},
	}
	for _, tc := range tests {
		var got uint64
		q := chsink.CountQuery(tc.tables, tc.final)
		if err := db.Conn.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if int(got) != tc.want {
			t.Errorf("%s: %s = %d, want %d", tc.name, q, got, tc.want)
		}
	}
}

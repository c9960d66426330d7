package clickhouse_test

import (
	"context"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// BenchmarkSinkWrite measures one 10k-event batch insert (all five event
// tables), with the schema's materialized views (the entity aggregates) and
// without them, side by side, to show what the views cost per insert.
func BenchmarkSinkWrite(b *testing.B) {
	set := testevents.Build(500) // 10,500 events
	var batch []pipeline.Record
	for i, ev := range set.Events {
		batch = append(batch, pipeline.Record{Msg: pipeline.Message{Topic: ev.Topic(), Offset: int64(i)}, Event: ev})
	}
	for _, mode := range []string{"with-views", "without-views"} {
		b.Run(mode, func(b *testing.B) {
			db := testenv.NewDB(b)
			if mode == "without-views" {
				for _, mv := range []string{"contacts_from_events", "contacts_from_messages", "tickets_from_events", "surveys_from_events", "suggestions_from_events"} {
					if err := db.Conn.Exec(context.Background(), "DROP VIEW "+mv); err != nil {
						b.Fatal(err)
					}
				}
			}
			sink := chsink.NewSink(db.Conn)
			b.ResetTimer()
			for range b.N {
				if err := sink.Write(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(batch)*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

package clickhouse_test

import (
	"context"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// TestClickHouseRefusesOneRecord: ClickHouse refuses one ticket event
// permanently (a CHECK constraint on its title); the other records of its
// batch land, the refused one is in rejects (refused_by_storage, with
// ClickHouse's reason and the payload) and on voc.dlq, everything is
// committed, and the stream goes on: messages produced afterwards land too.
func TestClickHouseRefusesOneRecord(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	if err := db.Conn.Exec(ctx, "ALTER TABLE ticket_events ADD CONSTRAINT refuse_test CHECK title != 'refuse me'"); err != nil {
		t.Fatal(err)
	}
	broker := testenv.Kafka(t, 2)
	s := testevents.Build(40)
	var refusedID string
	for _, ev := range s.Events[:len(s.Events)/2] {
		if tk, ok := ev.(*pipeline.TicketEvent); ok && tk.Type == pipeline.TicketCreated {
			tk.Title, refusedID = "refuse me", tk.EventID
			break
		}
	}
	if refusedID == "" {
		t.Fatal("no ticket.created in the first half of the events")
	}
	msgs := testevents.Messages(s.Events)
	half := len(msgs) / 2
	r := start(t, db, []string{broker.Addr}, "voc", testConfig())
	produce(t, []string{broker.Addr}, msgs[:half])
	waitConsumed(t, r.metrics, half, time.Minute)
	produce(t, []string{broker.Addr}, msgs[half:])
	waitConsumed(t, r.metrics, len(msgs), time.Minute)
	r.stop(t)

	if got, want := count(t, db, chsink.CountQuery(chsink.EventTables, true)), uint64(len(msgs)-1); got != want {
		t.Errorf("%d events in ClickHouse, want every one but the refused: %d", got, want)
	}
	if n := count(t, db, "SELECT count() FROM ticket_events WHERE event_id = '"+refusedID+"'"); n != 0 {
		t.Errorf("the refused event is in ticket_events %d times", n)
	}
	var reason, detail, payload, eventID string
	if err := db.Conn.QueryRow(ctx, "SELECT reason, detail, payload, event_id FROM rejects FINAL").Scan(&reason, &detail, &payload, &eventID); err != nil {
		t.Fatalf("the rejects table should hold exactly the refused record: %v", err)
	}
	if reason != string(pipeline.ReasonRefusedByStorage) || eventID != refusedID || !strings.Contains(detail, "refuse_test") || !strings.Contains(payload, "refuse me") {
		t.Errorf("reject: reason %q, event_id %q (want %q), detail %q, payload %q", reason, eventID, refusedID, detail, payload)
	}
	if rej := testutilRejected(r.metrics, pipeline.TopicTickets, pipeline.ReasonRefusedByStorage); rej != 1 {
		t.Errorf("voc_events_rejected_total{reason=refused_by_storage} = %v, want 1", rej)
	}

	rd := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{broker.Addr}, GroupID: "dlq-check", Topic: pipeline.TopicDLQ, MaxWait: 100 * time.Millisecond})
	defer rd.Close()
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	m, err := rd.ReadMessage(rctx)
	if err != nil {
		t.Fatalf("no dead letter for the refused record: %v", err)
	}
	headers := map[string]string{}
	for _, h := range m.Headers {
		headers[h.Key] = string(h.Value)
	}
	if headers["voc-reason"] != string(pipeline.ReasonRefusedByStorage) || headers["voc-topic"] != pipeline.TopicTickets || !strings.Contains(string(m.Value), refusedID) {
		t.Errorf("dead letter: headers %v, value %s", headers, m.Value)
	}
}

// TestSinkFatalWhenTheTableIsMissing: an insert into a table that is not
// there is fatal, with the advice to migrate.
func TestSinkFatalWhenTheTableIsMissing(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	if err := db.Conn.Exec(ctx, "DROP TABLE survey_events SYNC"); err != nil {
		t.Fatal(err)
	}
	var batch []pipeline.Record
	for i, ev := range testevents.Build(3).Events {
		if ev.Kind() == pipeline.SurveyKind {
			batch = append(batch, pipeline.Record{Msg: pipeline.Message{Topic: ev.Topic(), Offset: int64(i)}, Event: ev})
		}
	}
	err := chsink.NewSink(db.Conn).Write(ctx, batch)
	if pipeline.Classify(err) != pipeline.Fatal || !strings.Contains(err.Error(), "voc migrate") {
		t.Fatalf("Write into a dropped table = %v (class %v), want a fatal error advising voc migrate", err, pipeline.Classify(err))
	}
}

package clickhouse_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	"github.com/voc-analytics/voc/pipeline/enrich"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func produce(t *testing.T, brokers []string, msgs []kafkago.Message) {
	t.Helper()
	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: brokers, BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce %d messages: %v", len(msgs), err)
	}
}

// running is a Runner in a goroutine, stopped by stop().
type running struct {
	runner  *pipeline.Runner
	metrics *pipeline.Metrics
	cancel  context.CancelFunc
	done    chan error
}

func start(t *testing.T, db *testenv.DB, brokers []string, group string, cfg pipeline.RunnerConfig) *running {
	t.Helper()
	return startWith(t, db, brokers, group, cfg, nil)
}

func startWith(t *testing.T, db *testenv.DB, brokers []string, group string, cfg pipeline.RunnerConfig, enricher pipeline.Enricher) *running {
	t.Helper()
	src, err := kafkasrc.NewSource(kafkasrc.SourceConfig{Brokers: brokers, GroupID: group, MaxWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	dlq, err := kafkasrc.NewDeadLetters(brokers, pipeline.TopicDLQ)
	if err != nil {
		t.Fatal(err)
	}
	m := pipeline.NewMetrics(nil)
	r, err := pipeline.NewRunner(cfg, src, chsink.NewSink(db.Conn), dlq, enricher, m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{runner: r, metrics: m, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := r.Run(ctx)
		src.Close()
		dlq.Close()
		run.done <- err
	}()
	t.Cleanup(func() { run.stop(t) })
	return run
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("runner: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Error("runner did not stop within 60 s")
	}
}

func testConfig() pipeline.RunnerConfig {
	cfg := pipeline.DefaultRunnerConfig()
	cfg.BatchSize = 500
	cfg.FlushInterval = 100 * time.Millisecond
	cfg.Limits.Now = func() time.Time { return testevents.Base.Add(30 * 24 * time.Hour) }
	return cfg
}

func count(t *testing.T, db *testenv.DB, q string) uint64 {
	t.Helper()
	var n uint64
	if err := db.Conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// waitFor polls q until it returns want or the deadline passes.
func waitFor(t *testing.T, db *testenv.DB, q string, want uint64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var got uint64
	for time.Now().Before(deadline) {
		if got = count(t, db, q); got >= want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s = %d after %s, want %d", q, got, within, want)
}

// checkExact asserts that analysts see every event of s exactly once.
func checkExact(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	for _, c := range s.ExactChecks() {
		if got := count(t, db, c.Query); got != c.Want {
			t.Errorf("%s = %d, want %d", c.Query, got, c.Want)
		}
	}
}

func TestEndToEndEveryEventTypeOnce(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(60)
	msgs := testevents.Messages(s.Events)
	// Every message is produced twice, as a retrying producer would.
	produce(t, []string{broker.Addr}, append(msgs, msgs...))
	r := start(t, db, []string{broker.Addr}, "voc", testConfig())
	waitConsumed(t, r.metrics, 2*len(msgs), time.Minute)
	r.stop(t)
	checkExact(t, db, s)
}

// waitConsumed waits until the runner has fetched n messages and flushed them.
func waitConsumed(t *testing.T, m *pipeline.Metrics, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if consumed(m) >= n && written(m) >= n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("runner consumed %d, wrote %d of %d messages within %s", consumed(m), written(m), n, within)
}

func TestGracefulShutdownFlushesPartialBatch(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(10)
	produce(t, []string{broker.Addr}, testevents.Messages(s.Events))
	cfg := testConfig()
	cfg.BatchSize = 1_000_000
	cfg.FlushInterval = time.Hour // only the shutdown flush can write
	m := pipeline.NewMetrics(nil)
	src, err := kafkasrc.NewSource(kafkasrc.SourceConfig{Brokers: []string{broker.Addr}, GroupID: "voc", MaxWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	r, err := pipeline.NewRunner(cfg, src, chsink.NewSink(db.Conn), nil, nil, m, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for consumed(m) < len(s.Events) && time.Now().Before(deadline) { // all fetched, none flushed
		time.Sleep(50 * time.Millisecond)
	}
	if n := count(t, db, "SELECT count() FROM contact_events"); n != 0 {
		t.Fatalf("%d rows written before shutdown; the test needs the batch to be still open", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	checkExact(t, db, s)
}

func consumed(m *pipeline.Metrics) int {
	var n int
	for _, topic := range pipeline.InputTopics {
		n += int(testutilValue(m, topic))
	}
	return n
}

func TestTwoConsumersShareTheWork(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(120)
	a := start(t, db, []string{broker.Addr}, "voc", testConfig())
	b := start(t, db, []string{broker.Addr}, "voc", testConfig())
	waitGroupAssigned(t, broker.Addr, "voc", 2) // both joined before data arrives
	produce(t, []string{broker.Addr}, testevents.Messages(s.Events))
	deadline := time.Now().Add(time.Minute)
	for written(a.metrics)+written(b.metrics) < len(s.Events) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if written(a.metrics) == 0 || written(b.metrics) == 0 {
		t.Errorf("consumers wrote %d and %d events: both should get partitions", written(a.metrics), written(b.metrics))
	}
	a.stop(t)
	b.stop(t)
	checkExact(t, db, s)
	var parts uint64
	if err := db.Conn.QueryRow(context.Background(), "SELECT uniqExact(kafka_partition) FROM contact_events").Scan(&parts); err != nil || parts < 2 {
		t.Fatalf("events came from %d partitions (%v)", parts, err)
	}
}

// waitGroupAssigned waits until group is stable on the broker with members
// members, each holding partitions.
func waitGroupAssigned(t *testing.T, addr, group string, members int) {
	t.Helper()
	client := &kafkago.Client{Addr: kafkago.TCP(addr), Timeout: 5 * time.Second}
	var last string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := client.DescribeGroups(context.Background(), &kafkago.DescribeGroupsRequest{GroupIDs: []string{group}})
		if err != nil || len(resp.Groups) != 1 {
			last = fmt.Sprintf("describe groups: %v", err)
			continue
		}
		g := resp.Groups[0]
		assigned := 0
		for _, m := range g.Members {
			for _, tp := range m.MemberAssignments.Topics {
				if len(tp.Partitions) > 0 {
					assigned++
					break
				}
			}
		}
		last = fmt.Sprintf("state %s, %d members, %d with partitions", g.GroupState, len(g.Members), assigned)
		if g.GroupState == "Stable" && len(g.Members) == members && assigned == members {
			return
		}
	}
	t.Fatalf("group %s never had %d members with partitions: %s", group, members, last)
}

// TestMalformedInputsAreRejectedNotDropped sends every case of
// pipeline/testdata/malformed.txt between valid events: each lands in the
// rejects table and voc.dlq with its reason, and the valid events still land.
func TestMalformedInputsAreRejectedNotDropped(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	cases, err := testevents.LoadMalformed("../testdata/malformed.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := testevents.Build(5)
	valid := testevents.Messages(s.Events)
	var msgs []kafkago.Message
	msgs = append(msgs, valid[:len(valid)/2]...)
	for _, c := range cases {
		msgs = append(msgs, kafkago.Message{Topic: c.Topic, Key: []byte(c.Key), Value: c.Payload})
	}
	msgs = append(msgs, valid[len(valid)/2:]...)
	produce(t, []string{broker.Addr}, msgs)
	cfg := testConfig()
	cfg.Limits.MaxTextBytes = 1024
	r := start(t, db, []string{broker.Addr}, "voc", cfg)
	waitConsumed(t, r.metrics, len(msgs), time.Minute)
	r.stop(t)

	for _, c := range cases {
		var reason, field string
		err := db.Conn.QueryRow(context.Background(),
			"SELECT reason, field FROM rejects FINAL WHERE topic = ? AND payload = ?", c.Topic, string(c.Payload)).Scan(&reason, &field)
		if err != nil {
			t.Errorf("%s: not in rejects: %v", c.Name, err)
			continue
		}
		if reason != c.Reason || field != c.Field {
			t.Errorf("%s: rejects says %s/%s, want %s/%s", c.Name, reason, field, c.Reason, c.Field)
		}
	}
	if n := count(t, db, "SELECT count() FROM rejects FINAL"); n != uint64(len(cases)) {
		t.Errorf("rejects has %d rows, want %d", n, len(cases))
	}
	if n := count(t, db, "SELECT count() FROM contacts"); n != uint64(s.Contacts) {
		t.Errorf("contacts = %d, want %d: valid events after bad ones must land", n, s.Contacts)
	}

	// The dead-letter topic holds each bad message unchanged, with headers.
	rd := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{broker.Addr}, GroupID: "dlq-check", Topic: pipeline.TopicDLQ, MaxWait: 100 * time.Millisecond})
	defer rd.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reasons := map[string]int{}
	for range cases {
		m, err := rd.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read voc.dlq: %v (got %d of %d)", err, len(reasons), len(cases))
		}
		h := map[string]string{}
		for _, x := range m.Headers {
			h[x.Key] = string(x.Value)
		}
		if h["voc-reason"] == "" || h["voc-topic"] == "" || h["voc-offset"] == "" || h["voc-partition"] == "" {
			t.Errorf("dead letter without provenance headers: %v", h)
		}
		reasons[h["voc-reason"]]++
	}
	want := map[string]int{}
	for _, c := range cases {
		want[c.Reason]++
	}
	for r, n := range want {
		if reasons[r] != n {
			t.Errorf("voc.dlq has %d messages with reason %s, want %d", reasons[r], r, n)
		}
	}
}

// TestStoredTextsAreRedactedAndEnriched: with the text analytics enricher,
// no phone number reaches ClickHouse and every text has a sentiment label.
func TestStoredTextsAreRedactedAndEnriched(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	en, err := enrich.New(enrich.Full)
	if err != nil {
		t.Fatal(err)
	}
	s := testevents.Build(20)
	msgs := testevents.Messages(s.Events)
	produce(t, []string{broker.Addr}, msgs)
	r := startWith(t, db, []string{broker.Addr}, "voc", testConfig(), en)
	waitConsumed(t, r.metrics, len(msgs), time.Minute)
	r.stop(t)
	checks := []struct {
		q    string
		want uint64
	}{
		{"SELECT countIf(text LIKE '%13812345678%') FROM messages", 0},
		{"SELECT countIf(text LIKE '%[PHONE]%' AND has(pii_kinds, 'PHONE')) FROM messages FINAL WHERE sender = 'customer'", 20},
		{"SELECT countIf(sentiment_label = '') FROM messages", 0},
		{"SELECT countIf(has(topics, 'remote')) FROM messages FINAL WHERE sender = 'customer'", 20},
		{"SELECT countIf(first_customer_sentiment IS NULL) FROM contacts", 0},
	}
	for _, c := range checks {
		if got := count(t, db, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}

package clickhouse_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestClickHouseRestartMidStream stops the ClickHouse server while events
// flow and starts it again on the same ports and data: the runner retries
// without committing, and every event lands exactly once.
func TestClickHouseRestartMidStream(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := chlocal.Config{DataDir: dir, TCPPort: freePort(t), HTTPPort: freePort(t)}
	srv, err := chlocal.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Stop(ctx) }()
	opts := testenv.Options(srv, "voc")
	conn, err := chsink.Open(ctx, chsink.Config{Options: opts, Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	db := &testenv.DB{Name: "voc", Options: opts, Conn: conn, Server: srv}

	broker := testenv.Kafka(t, 4)
	s := testevents.Build(200)
	msgs := testevents.Messages(s.Events)
	half := len(msgs) / 2
	rcfg := testConfig()
	rcfg.BatchSize = 200
	rcfg.MaxBackoff = 500 * time.Millisecond
	r := start(t, db, []string{broker.Addr}, "voc", rcfg)
	produce(t, []string{broker.Addr}, msgs[:half])
	waitConsumed(t, r.metrics, half, time.Minute)

	if err := srv.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	produce(t, []string{broker.Addr}, msgs[half:])
	// The runner fetches a batch and fails to write it: it must say so
	// (/readyz 503) and write nothing while ClickHouse is down.
	for deadline := time.Now().Add(time.Minute); r.runner.Ready(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("runner still reports ready (/readyz 200) a minute after ClickHouse went down")
		}
	}
	if written(r.metrics) >= len(msgs) {
		t.Fatal("everything was written although ClickHouse was down")
	}
	srv, err = chlocal.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("restart ClickHouse: %v", err)
	}
	db.Server = srv
	waitConsumed(t, r.metrics, len(msgs), 2*time.Minute)
	r.stop(t)
	if retries := testutilRetries(r.metrics); retries == 0 {
		t.Error("no write retries were counted while ClickHouse was down")
	}
	checkExact(t, db, s)
}

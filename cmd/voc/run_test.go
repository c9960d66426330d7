package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// startRun starts `voc run` on db and brokers, logging to logPath; extra
// flags come after the defaults (and so override them).
func startRun(t *testing.T, db *testenv.DB, brokers, logPath string, extra ...string) *exec.Cmd {
	t.Helper()
	args := append([]string{"run", "--clickhouse", db.DSN(), "--brokers", brokers,
		"--no-migrate", "--batch-size", "500", "--flush-interval", "100ms", "--http-addr", "", "--log-format", "json", "--enrich", "none"}, extra...)
	cmd := exec.Command(vocBin, args...)
	cmd.Env = append(cmd.Environ(), db.PasswordEnv())
	if _, err := os.Stat(logPath); err != nil { // the first run on this log
		t.Cleanup(func() { keepLogOnFailure(t, logPath) })
	}
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		lf.Close()
	})
	return cmd
}

// keepLogOnFailure copies a failed test's voc run log out of its temporary
// directory (removed after the test) and says where.
func keepLogOnFailure(t *testing.T, logPath string) {
	if !t.Failed() {
		return
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		return
	}
	f, err := os.CreateTemp("", "voc-run-*.log")
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Write(b); err == nil {
		t.Logf("voc run log kept in %s", f.Name())
	}
}

// finalTotal counts event rows through FINAL and raw. It retries for a
// minute: the embedded server may be restarting (see chlocal's supervisor).
func finalTotal(t *testing.T, db *testenv.DB) (final, raw uint64) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(time.Minute); ; {
		if final, raw, err = totals(db); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	return final, raw
}

func totals(db *testenv.DB) (final, raw uint64, err error) {
	ctx := context.Background()
	if err := db.Conn.QueryRow(ctx, chsink.CountQuery(chsink.EventTables, true)).Scan(&final); err != nil {
		return 0, 0, err
	}
	err = db.Conn.QueryRow(ctx, chsink.CountQuery(chsink.EventTables, false)).Scan(&raw)
	return final, raw, err
}

// TestCrashKill9ExactlyOnceAsAnalystsSeeIt SIGKILLs `voc run` at seeded
// random points of the stream while it ingests, restarts it each time, and
// then checks that every produced event is in ClickHouse exactly once
// through FINAL and the analyst views, although some batches were written
// twice. Kills are driven by progress: process i is killed once ClickHouse
// holds a seeded share of the stream that it must have written itself (each
// point is several batches beyond the previous kill, so a batch the killed
// process left in flight cannot pass for the next one's progress). A
// consumer that makes no progress for a minute fails the test: with the
// embedded broker expiring dead members (internal/kafkalocal) every kill
// heals within session + rebalance timeout (20 s).
func TestCrashKill9ExactlyOnceAsAnalystsSeeIt(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(3000)
	msgs := testevents.Messages(s.Events)
	produce(t, broker.Addr, msgs)
	total := uint64(len(msgs))

	logPath := filepath.Join(t.TempDir(), "run.log")
	rng := rand.New(rand.NewPCG(42, 7))
	const kills = 4
	// Kill i at a point drawn from [i, i+0.6] fifths of the stream.
	var points []uint64
	for i := range kills {
		points = append(points, uint64((float64(i)+0.3+0.6*rng.Float64())/float64(kills+1)*float64(total)))
	}
	const stallLimit = time.Minute
	for i, point := range points {
		cmd := startRun(t, db, broker.Addr, logPath)
		final := waitProgress(t, db, logPath, point, stallLimit, fmt.Sprintf("voc run #%d", i+1))
		if final >= total {
			t.Fatalf("the stream was complete (%d events) before kill #%d at %d: make it longer", final, i+1, point)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("kill -9 #%d at %d of %d events in ClickHouse (point %d)", i+1, final, total, point)
	}
	// Final run to completion, then a graceful stop.
	cmd := startRun(t, db, broker.Addr, logPath)
	waitProgress(t, db, logPath, total, stallLimit, "the final voc run")
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("voc run after SIGTERM: %v", err)
	}
	final, raw := finalTotal(t, db)
	t.Logf("%d kills; %d events produced; %d rows written (raw, incl. re-deliveries not yet merged); %d as analysts see them; embedded ClickHouse restarted %d times",
		kills, len(msgs), raw, final, db.Server.Restarts.Load())
	checkViewsExact(t, db, s)
}

// waitProgress waits until ClickHouse holds at least want events (through
// FINAL) and returns the count. No progress for stallLimit fails the test,
// with the log tail: a stalled consumer is a defect, not something to
// restart away.
func waitProgress(t *testing.T, db *testenv.DB, logPath string, want uint64, stallLimit time.Duration, who string) uint64 {
	return waitProgressOr(t, db, logPath, want, stallLimit, who, nil)
}

// waitProgressOr is waitProgress; on a stall it adds what state() says.
func waitProgressOr(t *testing.T, db *testenv.DB, logPath string, want uint64, stallLimit time.Duration, who string, state func() string) uint64 {
	t.Helper()
	last, lastMove := uint64(0), time.Now()
	for {
		final, _ := finalTotal(t, db)
		if final >= want {
			return final
		}
		if final != last {
			last, lastMove = final, time.Now()
		}
		if time.Since(lastMove) > stallLimit {
			b, _ := os.ReadFile(logPath)
			extra := ""
			if state != nil {
				extra = state() + "\n"
			}
			t.Fatalf("STALL: %s made no progress for %s at %d events (waiting for %d); %slog tail:\n%s", who, stallLimit, final, want, extra, tail(b, 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRunWaitsForClickHouseAtStart: a server that drops every connection
// (the embedded one while it restarts, a database still starting) makes voc
// run wait and retry rather than exit; SIGTERM ends the wait.
func TestRunWaitsForClickHouseAtStart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	broker := testenv.Kafka(t, 1)
	logPath := filepath.Join(t.TempDir(), "run.log")
	cmd := exec.Command(vocBin, "run", "--clickhouse", "clickhouse://"+l.Addr().String()+"/voc", "--brokers", broker.Addr, "--no-migrate", "--http-addr", "", "--log-format", "json", "--enrich", "none")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		b, _ := os.ReadFile(logPath)
		if strings.Contains(string(b), `"msg":"ClickHouse not reachable yet; retrying","attempt":2`) {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("voc run exited instead of waiting for ClickHouse: %v\n%s", err, b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no second connection attempt logged:\n%s", b)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = <-exited
	b, _ := os.ReadFile(logPath)
	if err == nil || !strings.Contains(string(b), "stopped while waiting for ClickHouse") {
		t.Fatalf("after SIGTERM: %v, want exit 1 saying it stopped while waiting\n%s", err, b)
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

func startRun(t *testing.T, db *testenv.DB, brokers, logPath string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(vocBin, "run", "--clickhouse", db.DSN(), "--brokers", brokers,
		"--no-migrate", "--batch-size", "500", "--flush-interval", "100ms", "--http-addr", "", "--log-format", "json", "--enrich", "none")
	cmd.Env = append(cmd.Environ(), db.PasswordEnv())
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); lf.Close() })
	return cmd
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
// random points while it ingests, restarts it each time, and then checks
// that every produced event is in ClickHouse exactly once through FINAL and
// the analyst views, although some batches were written twice.
func TestCrashKill9ExactlyOnceAsAnalystsSeeIt(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(3000)
	msgs := testevents.Messages(s.Events)
	produce(t, broker.Addr, msgs)

	logPath := filepath.Join(t.TempDir(), "run.log")
	rng := rand.New(rand.NewPCG(42, 7))
	kills := 0
	var before uint64
	for range 4 {
		cmd := startRun(t, db, broker.Addr, logPath)
		// Wait until this process makes progress (the group must first expire
		// the killed member), then kill it at a random point mid-stream.
		deadline := time.Now().Add(60 * time.Second)
		for {
			final, _ := finalTotal(t, db)
			if final > before || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Duration(50+rng.IntN(700)) * time.Millisecond)
		final, _ := finalTotal(t, db)
		if final >= uint64(len(msgs)) {
			cmd.Process.Kill()
			cmd.Wait()
			break
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
		before = final
		t.Logf("kill -9 #%d with %d of %d events in ClickHouse", kills, final, len(msgs))
	}
	if kills < 2 {
		t.Fatalf("only %d kills happened mid-stream; make the stream longer", kills)
	}
	// Final run to completion, then a graceful stop. A consumer that makes
	// no progress for 45 s is restarted and the stall is reported: seen once
	// (kafka-go consumer idle after several rebalances with kfake), not yet
	// explained; the exactly-once assertions below are unaffected.
	cmd := startRun(t, db, broker.Addr, logPath)
	deadline := time.Now().Add(5 * time.Minute)
	lastProgress, lastFinal, stalls := time.Now(), uint64(0), 0
	for {
		final, _ := finalTotal(t, db)
		if final >= uint64(len(msgs)) {
			break
		}
		if final != lastFinal {
			lastFinal, lastProgress = final, time.Now()
		} else if time.Since(lastProgress) > 45*time.Second {
			stalls++
			t.Logf("STALL: no progress for 45 s at %d of %d events; restarting voc run", final, len(msgs))
			cmd.Process.Kill()
			cmd.Wait()
			cmd = startRun(t, db, broker.Addr, logPath)
			lastProgress = time.Now()
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("only %d of %d events after restarts; log tail:\n%s", final, len(msgs), tail(b, 2000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if stalls > 0 {
		// On stderr as well, so that CI's non-verbose output records it.
		msg := fmt.Sprintf("TestCrashKill9: the final consumer stalled %d time(s) and was restarted", stalls)
		t.Log(msg)
		fmt.Fprintln(os.Stderr, msg)
	}
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("voc run after SIGTERM: %v", err)
	}
	final, raw := finalTotal(t, db)
	t.Logf("%d kills; %d events produced; %d rows written (raw, incl. re-deliveries not yet merged); %d as analysts see them; embedded ClickHouse restarted %d times",
		kills, len(msgs), raw, final, db.Server.Restarts.Load())
	checkViewsExact(t, db, s)
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

// TestBackfillKill9ExactlyOnce kills `voc backfill` with SIGKILL after its
// first checkpoints, runs it again, and checks that the second run resumed
// (read fewer lines than the files hold) and every event is in the views
// exactly once; a third run adds nothing.
func TestBackfillKill9ExactlyOnce(t *testing.T) {
	db := testenv.NewDB(t)
	s := testevents.Build(2500)
	dir := t.TempDir()
	byTopic := map[string]*bytes.Buffer{}
	for _, m := range testevents.Messages(s.Events) {
		if byTopic[m.Topic] == nil {
			byTopic[m.Topic] = &bytes.Buffer{}
		}
		byTopic[m.Topic].Write(append(m.Value, '\n'))
	}
	var paths []string
	for _, topic := range pipeline.InputTopics {
		p := filepath.Join(dir, strings.TrimPrefix(topic, "voc.")+".jsonl")
		if err := os.WriteFile(p, byTopic[topic].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	logPath := filepath.Join(dir, "backfill.log")
	start := func() *exec.Cmd {
		args := append([]string{"backfill", "--clickhouse", db.DSN(), "--no-migrate", "--batch-size", "500", "--enrich", "none"}, paths...)
		cmd := exec.Command(vocBin, args...)
		cmd.Env = append(os.Environ(), db.PasswordEnv())
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
	linesDone := func() (lines, done uint64) {
		_ = db.Conn.QueryRow(context.Background(), "SELECT sum(lines_done), countIf(done) FROM backfill_files FINAL").Scan(&lines, &done)
		return
	}
	cmd := start()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if lines, _ := linesDone(); lines >= 2000 {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("no checkpoint within 2 minutes; log:\n%s", tail(b, 2000))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	lines, done := linesDone()
	if done == uint64(len(paths)) {
		t.Fatalf("the backfill finished before the kill (%d lines): make the files longer", lines)
	}
	t.Logf("kill -9 after %d of %d lines checkpointed", lines, len(s.Events))

	// A client killed mid-insert can make the embedded server abort a few
	// seconds later (docs/embedded.md); its supervisor restarts it. Retry
	// the resumed run while the server is coming back.
	var out bytes.Buffer
	for attempt := 1; ; attempt++ {
		time.Sleep(3 * time.Second)
		out.Reset()
		resume := exec.Command(vocBin, append([]string{"backfill", "--clickhouse", db.DSN(), "--no-migrate", "--enrich", "none"}, paths...)...)
		resume.Stdout, resume.Stderr = &out, &out
		resume.Env = append(os.Environ(), db.PasswordEnv())
		err := resume.Run()
		if err == nil {
			break
		}
		if attempt == 5 || !strings.Contains(out.String(), "ClickHouse") {
			t.Fatalf("resumed backfill (attempt %d): %v\n%s", attempt, err, tail(out.Bytes(), 3000))
		}
		t.Logf("resumed backfill attempt %d failed while ClickHouse restarts: %s", attempt, tail(out.Bytes(), 300))
	}
	if !strings.Contains(out.String(), "resuming after the checkpoint") {
		t.Errorf("the second run did not say it resumed:\n%s", tail(out.Bytes(), 3000))
	}
	checkViewsExact(t, db, s)
	var raw uint64
	rawQuery := "SELECT (SELECT count() FROM contact_events) + (SELECT count() FROM messages) + (SELECT count() FROM ticket_events) + (SELECT count() FROM survey_events) + (SELECT count() FROM suggestion_events)"
	db.Conn.QueryRow(context.Background(), rawQuery).Scan(&raw)

	// A third run: everything is checkpointed as done, nothing is added.
	out.Reset()
	again := exec.Command(vocBin, append([]string{"backfill", "--clickhouse", db.DSN(), "--no-migrate", "--enrich", "none"}, paths...)...)
	again.Stdout, again.Stderr = &out, &out
	again.Env = append(os.Environ(), db.PasswordEnv())
	if err := again.Run(); err != nil {
		t.Fatalf("third backfill: %v\n%s", err, out.String())
	}
	var raw2 uint64
	db.Conn.QueryRow(context.Background(), rawQuery).Scan(&raw2)
	if raw2 != raw {
		t.Errorf("a backfill of finished files added rows: %d -> %d", raw, raw2)
	}
	if strings.Count(out.String(), "already backfilled") != len(paths) {
		t.Errorf("third run did not skip every file:\n%s", out.String())
	}
	checkViewsExact(t, db, s)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
)

// TestReportWeeklyCommand: `voc generate --to clickhouse` fills a database
// and `voc report weekly` reports on it in every format, as a user runs them.
func TestReportWeeklyCommand(t *testing.T) {
	db := testenv.NewDB(t)
	dsn := db.DSN()
	writer := map[string]string{"VOC_CLICKHOUSE_PASSWORD_FILE": db.Server.Writer.PasswordFile}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(k string) string { return writer[k] }}
		code := Main(context.Background(), env, args)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := run("generate", "--to", "clickhouse", "--clickhouse", dsn, "--days", "14", "--contacts-per-day", "120", "--emerging-from-day", "7"); code != 0 {
		t.Fatalf("voc generate --to clickhouse: exit %d: %s", code, stderr)
	}
	code, md, stderr := run("report", "weekly", "--clickhouse", dsn, "--week", "2026-W45", "--format", "md", "--lang", "en", "--now", "2026-12-31")
	if code != 0 {
		t.Fatalf("voc report weekly: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"# Weekly top issues · 2026-W45", "## Headline", "## Top issues", "## Emerging", "**Method**"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}

	dir := t.TempDir()
	if code, _, stderr := run("report", "weekly", "--clickhouse", dsn, "--week", "2026-W45", "--out-dir", dir, "--format", "html,json", "--now", "2026-12-31"); code != 0 {
		t.Fatalf("--out-dir: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "2026-W45.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil || doc["week"] != "2026-W45" {
		t.Errorf("2026-W45.json: %v, week %v", err, doc["week"])
	}
	if h, err := os.ReadFile(filepath.Join(dir, "2026-W45.html")); err != nil || !bytes.Contains(h, []byte("<!DOCTYPE html>")) {
		t.Errorf("2026-W45.html: %v", err)
	}

	for _, c := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--week", "2026-W30"}, "no contacts in week 2026-W30"},
		{[]string{"--week", "2026-W45", "--format", "pdf"}, "--format"},
		{[]string{"--every", "monday@09:00"}, "--every needs --out-dir"},
		{[]string{"--every", "someday", "--out-dir", dir}, "WEEKDAY@HH:MM"},
		{[]string{"--week", "46"}, "ISO week"},
		{[]string{"--lang", "fr"}, "zh or en"},
	} {
		code, _, stderr := run(append([]string{"report", "weekly", "--clickhouse", dsn}, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.wantErr) {
			t.Errorf("voc report weekly %v: exit %d, stderr %q, want an error with %q", c.args, code, stderr, c.wantErr)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/testenv"
	vocsql "github.com/voc-analytics/voc/sql"
)

// runInProcess runs voc with args through Main and returns its exit code
// and output.
func runInProcess(t *testing.T, getenv map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(k string) string { return getenv[k] }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

// TestMigrateCommand: voc migrate applies every embedded migration to a new
// database, says which, and applies none the second time.
func TestMigrateCommand(t *testing.T) {
	srv := testenv.Server(t)
	db := fmt.Sprintf("cmd_migrate_%d", os.Getpid())
	dsn := srv.DSN(db)
	t.Cleanup(func() {
		if conn, err := clickhouse.Open(testenv.Options(srv, "default")); err == nil {
			_ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" SYNC")
			conn.Close()
		}
	})
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	writer := map[string]string{"VOC_CLICKHOUSE_PASSWORD_FILE": srv.Writer.PasswordFile}
	code, out, errOut := runInProcess(t, writer, "migrate", "--clickhouse", dsn)
	if code != 0 {
		t.Fatalf("voc migrate exit %d: %s", code, errOut)
	}
	if want := fmt.Sprintf("database %s: %d migration(s) applied", db, len(ms)); !strings.Contains(out, want) {
		t.Errorf("first run printed %q, want %q", out, want)
	}
	if got := len(regexp.MustCompile(`(?m)^  \d{4}_\w+$`).FindAllString(out, -1)); got != len(ms) {
		t.Errorf("first run lists %d migrations, want %d:\n%s", got, len(ms), out)
	}
	code, out, errOut = runInProcess(t, writer, "migrate", "--clickhouse", dsn)
	if code != 0 || !strings.Contains(out, "0 migration(s) applied") {
		t.Errorf("second run: exit %d, %q %s; want nothing applied", code, out, errOut)
	}
}

// TestSchemaDocsCommand: voc schema docs writes what docs/schema.md holds
// (TestSchemaDocsUpToDate keeps that file current).
func TestSchemaDocsCommand(t *testing.T) {
	db := testenv.NewDB(t)
	out := filepath.Join(t.TempDir(), "schema.md")
	code, stdout, stderr := runInProcess(t, map[string]string{"VOC_CLICKHOUSE_PASSWORD_FILE": db.Server.Writer.PasswordFile},
		"schema", "docs", "--clickhouse", db.DSN(), "--out", out)
	if code != 0 {
		t.Fatalf("voc schema docs exit %d: %s %s", code, stdout, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("voc schema docs wrote %d bytes that differ from docs/schema.md (%d bytes)", len(got), len(want))
	}
}

// TestCommandErrors: mistakes a user makes fail with a status and a message
// that says what to do, before anything is started.
func TestCommandErrors(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"unknown command", []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`, "voc help"}},
		{"unknown subcommand", []string{"schema", "drop"}, 2, []string{"unknown command"}},
		{"bad --enrich", []string{"run", "--enrich", "bogus", "--brokers", "127.0.0.1:1", "--clickhouse", "clickhouse://127.0.0.1:1/voc", "--http-addr", ""}, 1, []string{`"bogus"`, "full", "none"}},
		{"unknown flag", []string{"migrate", "--no-such-flag"}, 2, []string{"no-such-flag"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runInProcess(t, nil, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.wantCode, stderr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// stopsWith is a test command whose Run waits for the context to end and
// returns err(ctx): how `voc run` ends on SIGTERM.
type stopsWith struct{ err func(context.Context) error }

func (stopsWith) Flags(*flag.FlagSet) {}
func (s stopsWith) Run(ctx context.Context, _ *Env, _ []string) error {
	<-ctx.Done()
	return s.err(ctx)
}

// TestExitCodeAfterSignal: a command that stops cleanly on SIGTERM (returns
// the context's own error) exits 0; one whose final work failed (voc run's
// last flush while ClickHouse is down, see docs/delivery.md) exits 1 even
// though the context was cancelled.
func TestExitCodeAfterSignal(t *testing.T) {
	cases := []struct {
		name string
		err  func(context.Context) error
		want int
	}{
		{"clean stop", func(ctx context.Context) error { return ctx.Err() }, 0},
		{"nil", func(context.Context) error { return nil }, 0},
		{"final flush failed", func(ctx context.Context) error {
			return fmt.Errorf("final flush on shutdown: write: clickhouse unavailable (gave up: %v)", ctx.Err())
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := "test-stop " + tc.name
			commands[name] = &command{Name: name, Hidden: true, New: func() Invocation { return stopsWith{tc.err} }}
			defer delete(commands, name)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stderr bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Log: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }}
			if code := Main(ctx, env, strings.Fields(name)); code != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.want, stderr.String())
			}
		})
	}
}

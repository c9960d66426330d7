package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/testenv"
)

// TestExportCommand runs `voc export` as a user would, against a test
// database reached through a DSN (native, with the HTTP port resolved, and
// http://).
func TestExportCommand(t *testing.T) {
	db := testenv.NewDB(t)
	if err := db.Conn.Exec(context.Background(), `INSERT INTO messages (event_id, message_id, contact_id, occurred_at, sender, text, topics)
		SELECT concat('e', toString(number)), 'm', 'c', toDateTime64('2026-11-02 10:00:00', 3, 'Asia/Shanghai') + number * 3600, 'customer', '你好', ['remote'] FROM numbers(48)`); err != nil {
		t.Fatal(err)
	}
	httpDSN := "http://" + db.Server.Analyst.User + "@" + db.Server.HTTPAddr + "/" + db.Name
	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		file     string
		wantFile string // in the file (csv)
	}{
		{name: "table to parquet", args: []string{"--table", "messages", "--out", filepath.Join(dir, "m.parquet")}, file: "m.parquet", wantFile: "PAR1"},
		{name: "table range to csv", args: []string{"--table", "messages", "--from", "2026-11-03", "--to", "2026-11-04", "--out", filepath.Join(dir, "day.csv")}, file: "day.csv", wantFile: "2026-11-03T23:00:00.000+08:00"},
		{name: "query to arrow stream", args: []string{"--query", "SELECT event_id, topics FROM messages", "--out", filepath.Join(dir, "q.arrows")}, file: "q.arrows"},
		{name: "query file to arrow file", args: []string{"--query-file", filepath.Join(dir, "q.sql"), "--out", filepath.Join(dir, "q.arrow")}, file: "q.arrow", wantFile: "ARROW1"},
		{name: "needs out", args: []string{"--table", "messages"}, wantCode: 1, wantErr: "--out"},
		{name: "one source", args: []string{"--table", "messages", "--query", "SELECT 1", "--out", filepath.Join(dir, "x")}, wantCode: 1, wantErr: "exactly one"},
		{name: "bad format", args: []string{"--table", "messages", "--format", "xlsx", "--out", filepath.Join(dir, "x")}, wantCode: 1, wantErr: "want one of"},
		{name: "bad from", args: []string{"--table", "messages", "--from", "yesterday", "--out", filepath.Join(dir, "x")}, wantCode: 1, wantErr: "want a date"},
	}
	if err := os.WriteFile(filepath.Join(dir, "q.sql"), []byte("SELECT count() AS n FROM messages;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dsn := range []string{httpDSN, db.Server.AnalystDSN(db.Name)} {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				vars := map[string]string{"VOC_ANALYST_PASSWORD_FILE": db.Server.Analyst.PasswordFile}
				if !strings.HasPrefix(dsn, "http") {
					// A native DSN: its server's HTTP interface is not on the default port.
					vars["VOC_CLICKHOUSE_HTTP"] = db.Server.HTTPAddr
				}
				env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
					Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
					Getenv: func(k string) string { return vars[k] }}
				code := Main(context.Background(), env, append([]string{"export", "--clickhouse", dsn}, c.args...))
				if code != c.wantCode {
					t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, stderr.String())
				}
				if !strings.Contains(stderr.String(), c.wantErr) {
					t.Errorf("stderr lacks %q:\n%s", c.wantErr, stderr.String())
				}
				if c.file != "" {
					b, err := os.ReadFile(filepath.Join(dir, c.file))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Contains(b, []byte(c.wantFile)) {
						t.Errorf("%s lacks %q", c.file, c.wantFile)
					}
				}
			})
		}
	}
}

// TestExportMetrics exports registry metrics and checks the file holds the
// numbers `voc metrics` prints for the same query.
func TestExportMetrics(t *testing.T) {
	db := testenv.NewDB(t)
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = 3, 150
	if _, err := genload.Load(context.Background(), db.Conn, cfg, nil, genload.Options{}); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"VOC_ANALYST_PASSWORD_FILE": db.Server.Analyst.PasswordFile, "VOC_CLICKHOUSE_PASSWORD_FILE": db.Server.Writer.PasswordFile,
		"VOC_CLICKHOUSE_HTTP": db.Server.HTTPAddr}
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(k string) string { return vars[k] }}
		dsn := db.Server.AnalystDSN(db.Name) // export: the analyst (native: clickhouse-go's HTTP sends settings a readonly user may not)
		if args[0] == "metrics" {
			dsn = db.DSN() // voc metrics: as it is run today
		}
		if code := Main(context.Background(), env, append(args, "--clickhouse", dsn)); code != 0 {
			t.Fatalf("voc %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
		return stdout.String()
	}
	out := filepath.Join(t.TempDir(), "m.csv")
	query := []string{"--from", "2026-10-26", "--to", "2026-10-29", "--by", "channel"}
	run(append([]string{"export", "--metric", "contacts,abandonment_rate", "--out", out}, query...)...)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := run(append([]string{"metrics", "contacts,abandonment_rate", "--format", "csv"}, query...)...)
	gotRows, wantRows := csvRecords(t, string(got)), csvRecords(t, want)
	if len(gotRows) < 3 {
		t.Fatalf("export has %d lines, want a header and a row per channel:\n%s", len(gotRows), got)
	}
	if !reflect.DeepEqual(gotRows, wantRows) {
		t.Errorf("export --metric differs from voc metrics:\nexport:\n%s\nmetrics:\n%s", got, want)
	}
	// Parquet of the same: the schema says which column is a metric and its unit.
	pq := filepath.Join(t.TempDir(), "m.parquet")
	run(append([]string{"export", "--metric", "contacts", "--out", pq}, query...)...)
	if b, err := os.ReadFile(pq); err != nil || !bytes.HasPrefix(b, []byte("PAR1")) {
		t.Errorf("parquet export: %v", err)
	}
}

// csvRecords parses CSV and rounds numbers to 9 significant digits (voc
// metrics prints shortest floats too, but CSV writers may differ in form).
func csvRecords(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
	for _, r := range recs {
		for i, v := range r {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				r[i] = strconv.FormatFloat(f, 'g', 9, 64)
			}
		}
	}
	return recs
}

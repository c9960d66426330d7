package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	httpDSN := "http://default@" + db.Server.HTTPAddr + "/" + db.Name
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
		{name: "bad from", args: []string{"--table", "messages", "--from", "yesterday", "--out", filepath.Join(dir, "x")}, wantCode: 1, wantErr: "YYYY-MM-DD"},
	}
	if err := os.WriteFile(filepath.Join(dir, "q.sql"), []byte("SELECT count() AS n FROM messages;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dsn := range []string{httpDSN, db.Server.DSN(db.Name)} {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				vars := map[string]string{}
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

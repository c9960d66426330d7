package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/metrics"
)

func runMetricsCmd(t *testing.T, getenv map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(k string) string { return getenv[k] }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// TestMetricsCommand runs `voc metrics` in-process against a seeded database,
// as a user would type it: names first, flags after.
func TestMetricsCommand(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	seed := `INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, customer_id, channel, agent_id, service_category, ticket_id) VALUES
('e1', 'contact.started', 1, '2026-11-02 10:00:00', 'c1', 'u1', 'app', '', '', ''),
('e2', 'contact.agent_answered', 1, '2026-11-02 10:00:30', 'c1', '', '', 'a1', '', ''),
('e3', 'contact.ended', 1, '2026-11-02 10:05:00', 'c1', '', '', '', 'display-lines', ''),
('e4', 'contact.started', 1, '2026-11-03 10:00:00', 'c2', 'u2', 'phone', '', '', ''),
('e5', 'contact.agent_answered', 1, '2026-11-03 10:00:10', 'c2', '', '', 'a2', '', ''),
('e6', 'contact.ended', 1, '2026-11-03 10:05:00', 'c2', '', '', '', 'display-lines', 'T1')`
	if err := db.Conn.Exec(ctx, seed); err != nil {
		t.Fatal(err)
	}
	dsn := db.DSN()
	writer := map[string]string{"VOC_CLICKHOUSE_PASSWORD_FILE": db.Server.Writer.PasswordFile}

	code, out, errs := runMetricsCmd(t, writer, "metrics", "fcr,contacts,asa_p90", "--week", "2026-W45", "--by", "channel", "--format", "json", "--clickhouse", dsn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := []map[string]any{
		{"channel": "app", "fcr": 1.0, "contacts": 1.0, "asa_p90": 30.0},
		{"channel": "phone", "fcr": 0.0, "contacts": 1.0, "asa_p90": 10.0},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		for k, v := range want[i] {
			if rows[i][k] != v {
				t.Errorf("row %d %s = %v, want %v", i, k, rows[i][k], v)
			}
		}
	}
	if !strings.HasPrefix(out, `[`+"\n"+`  {"channel": "app", "fcr": 1, "contacts": 1, "asa_p90": 30}`) {
		t.Errorf("JSON keys not in column order:\n%s", out)
	}

	code, out, errs = runMetricsCmd(t, writer, "metrics", "contacts", "--from", "2026-11-02", "--to", "2026-11-03", "--format", "csv", "--clickhouse", dsn)
	if code != 0 || out != "contacts\n1\n" {
		t.Errorf("csv: exit %d, %q, %s", code, out, errs)
	}
	code, out, _ = runMetricsCmd(t, writer, "metrics", "fcr", "--week", "2026-W45", "--by", "channel", "--clickhouse", dsn)
	if code != 0 || !strings.Contains(out, "fcr (%)") || !strings.Contains(out, "100.0%") {
		t.Errorf("table: exit %d:\n%s", code, out)
	}

	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown metric", []string{"metrics", "fcrr", "--week", "2026-W45"}, []string{`unknown metric "fcrr"`, "asa_p90", "top_issues"}},
		{"unknown dimension", []string{"metrics", "fcr", "--week", "2026-W45", "--by", "colour"}, []string{`unknown dimension "colour"`, "hour_of_week", "customer_tag"}},
		{"bad week", []string{"metrics", "fcr", "--week", "2026-45"}, []string{"ISO week like 2026-W45"}},
		{"bad date", []string{"metrics", "fcr", "--from", "11/02/2026", "--to", "2026-11-09"}, []string{"--from", "want a date 2026-11-02"}},
		{"no range", []string{"metrics", "fcr"}, []string{"--week 2026-W45"}},
		{"bad format", []string{"metrics", "fcr", "--week", "2026-W45", "--format", "xml"}, []string{"table, json or csv"}},
		{"bad parameter", []string{"metrics", "fcr", "--week", "2026-W45", "--param", "window=3"}, []string{"fcr.repeat_window"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runMetricsCmd(t, nil, c.args...)
			if code == 0 {
				t.Fatal("exit 0")
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}

	// --sql needs no server and shows the parameters.
	code, out, errs = runMetricsCmd(t, writer, "metrics", "fcr", "--week", "2026-W45", "--param", "repeat_window=14", "--sql", "--clickhouse", "clickhouse://127.0.0.1:1/none")
	if code != 0 || !strings.Contains(out, "-- param_repeat_window=14") || !strings.Contains(out, "{repeat_window:UInt16}") || !strings.Contains(out, "-- param_from=2026-11-01 16:00:00.000") {
		t.Errorf("--sql: exit %d %s\n%s", code, errs, out)
	}
}

func TestMetricsList(t *testing.T) {
	code, out, errs := runMetricsCmd(t, nil, "metrics", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, m := range metrics.Default().Names() {
		if !strings.Contains(out, m+" ") {
			t.Errorf("voc metrics list lacks %s", m)
		}
	}
	code, out, _ = runMetricsCmd(t, nil, "metrics", "list", "--format", "json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != len(metrics.Default().Names()) {
		t.Errorf("list --format json: exit %d, %d entries", code, len(list))
	}
}

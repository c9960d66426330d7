package export_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/export"
	"github.com/voc-analytics/voc/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCSV checks the CSV text against a golden file: NULL is an empty
// field, "" an empty string, timestamps RFC 3339 with their zone's offset,
// arrays and maps JSON, quotes doubled.
func TestCSV(t *testing.T) {
	db, c := newTyped(t, 12)
	var buf bytes.Buffer
	if _, err := export.Write(context.Background(), c, export.Request{SQL: "SELECT * FROM typed ORDER BY id"}, &buf, export.Options{Format: export.CSV}); err != nil {
		t.Fatal(err)
	}
	_ = db
	golden := filepath.Join("testdata", "typed.csv")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("CSV differs from %s (go test -run TestCSV -update rewrites it):\n got: %s\nwant: %s", golden, buf.String(), want)
	}
}

// TestTable exports a voc table: ReplacingMergeTree rows once (FINAL), the
// time range on the table's event time, and the counts the progress bar uses.
func TestTable(t *testing.T) {
	db, c := newTyped(t, 0)
	ctx := context.Background()
	insert := `INSERT INTO messages (event_id, message_id, contact_id, occurred_at, sender, text) VALUES
		('e1', 'm1', 'c1', '2026-11-02 10:00:00', 'customer', 'a'),
		('e1', 'm1', 'c1', '2026-11-02 10:00:00', 'customer', 'a'),
		('e2', 'm2', 'c1', '2026-11-03 10:00:00', 'agent', 'b'),
		('e3', 'm3', 'c2', '2026-11-09 00:00:00', 'bot', 'c')`
	// Two inserts, merges stopped, so the duplicates stay in separate parts.
	if err := db.Conn.Exec(ctx, "SYSTEM STOP MERGES messages"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := db.Conn.Exec(ctx, insert); err != nil {
			t.Fatal(err)
		}
	}
	zone, _ := time.LoadLocation("Asia/Shanghai")
	day := func(s string) time.Time { v, _ := metrics.ParseTime(s, zone); return v }
	cases := []struct {
		name string
		opt  export.TableOptions
		rows int64
	}{
		{"final by default", export.TableOptions{}, 3},
		// optimize_on_insert collapses e1 inside each insert: 3 + 3 rows.
		{"never final", export.TableOptions{Final: "never"}, 6},
		{"range on occurred_at", export.TableOptions{Range: export.TimeRange{From: day("2026-11-02"), To: day("2026-11-09")}}, 2},
		{"open end", export.TableOptions{Range: export.TimeRange{From: day("2026-11-03")}}, 2},
		{"other column", export.TableOptions{Range: export.TimeRange{To: day("2026-11-01"), Column: "ingested_at"}}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := export.TableRequest(ctx, c, "messages", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			st, err := export.Write(ctx, c, req, &bytes.Buffer{}, export.Options{Format: export.Arrow, Progress: func(p export.Progress) { total = p.Total }})
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows != tc.rows {
				t.Errorf("%d rows, want %d (SQL %s)", st.Rows, tc.rows, req.SQL)
			}
			if total != tc.rows {
				t.Errorf("progress total %d, want %d", total, tc.rows)
			}
		})
	}
	if _, err := export.TableRequest(ctx, c, "no_such_table", export.TableOptions{}); err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Errorf("unknown table: err %v, want one naming it", err)
	}
	if _, err := export.TableRequest(ctx, c, "messages; DROP TABLE x", export.TableOptions{}); err == nil {
		t.Error("a table name with SQL in it was accepted")
	}
	if _, err := export.TableRequest(ctx, c, "messages", export.TableOptions{Range: export.TimeRange{From: day("2026-11-02"), Column: "nope"}}); err == nil {
		t.Error("an unknown --time-column was accepted")
	}
}

// TestQueryParams passes --from/--to to an analyst's SQL as parameters.
func TestQueryParams(t *testing.T) {
	_, c := newTyped(t, 100)
	zone, _ := time.LoadLocation("Asia/Shanghai")
	from, _ := metrics.ParseTime("2026-11-02", zone)
	to, _ := metrics.ParseTime("2026-11-02T10:30:00+08:00", zone)
	req := export.QueryRequest("SELECT id FROM typed WHERE ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}", export.TimeRange{From: from, To: to})
	st, err := export.Write(context.Background(), c, req, &bytes.Buffer{}, export.Options{Format: export.CSV})
	if err != nil {
		t.Fatal(err)
	}
	// ts = 09:30:00 + id * 1234.567 s: ids 0, 1 and 2 are before 10:30.
	if st.Rows != 3 {
		t.Errorf("%d rows, want 3", st.Rows)
	}
}

// TestFailures: a server error after the stream started is reported with
// ClickHouse's message and leaves no output file behind; so does a bad query.
func TestFailures(t *testing.T) {
	_, c := newTyped(t, 0)
	dir := t.TempDir()
	cases := []struct {
		name, sql, want string
	}{
		{"error mid-stream", "SELECT number, throwIf(number = 500000, 'boom at 500000') AS x FROM numbers(900000)", "boom at 500000"},
		{"syntax error", "SELEKT 1", "Syntax error"},
		{"unknown table", "SELECT * FROM nowhere", "nowhere"},
		{"duplicate column names", "SELECT number, number FROM numbers(3)", "twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []export.Format{export.Parquet, export.CSV} {
				path := filepath.Join(dir, "out."+string(format))
				_, err := export.File(context.Background(), c, export.Request{SQL: tc.sql}, path, export.Options{Format: format})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: err %v, want one containing %q", format, err, tc.want)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("%s: failed export left %v behind", format, entries)
				}
			}
		})
	}
}

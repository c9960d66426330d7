package web

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/testenv"
)

// TestSQLPageLimitsItself: the analyst has no server-side cap on result
// rows (a voc export streams any number) and may run a query for 30
// minutes, so voc serve bounds its own: the SQL page returns at most
// SQLRowLimit rows of a larger result, marked truncated, and a request's
// query is cancelled after QueryTimeout (504).
func TestSQLPageLimitsItself(t *testing.T) {
	db := testenv.NewDB(t)
	conn, err := clickhouse.Open(db.AnalystOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv, err := New(Config{Conn: conn, Database: db.Name, Log: slog.New(slog.DiscardHandler), SQLRowLimit: 1000, QueryTimeout: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	f := &fixture{db: db, srv: srv, http: hs}

	code, body := post(t, f, "/api/sql", "text/plain", "SELECT number FROM numbers(2000000)")
	var res sqlResult
	if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil {
		t.Fatalf("2 M rows: %d %.300s (%v)", code, body, err)
	}
	if len(res.Rows) != 1000 || !res.Truncated {
		t.Fatalf("2 M rows: %d rows, truncated %v; want the page's 1000 and truncated", len(res.Rows), res.Truncated)
	}

	// 2.7 s of sleepEachRow outlives the 1.5 s limit on any machine: the
	// request ends with 504, not with the query's result. (Over 1 s on
	// purpose: clickhouse-go would send a context deadline as a setting,
	// which the read-only analyst may not.)
	code, body = post(t, f, "/api/sql", "text/plain", "SELECT sleepEachRow(0.9) FROM numbers(3)")
	if code != 504 || !strings.Contains(body, "longer than voc serve's limit of 1.5s") {
		t.Fatalf("query past QueryTimeout: %d %s, want 504", code, body)
	}
	if code, _, body := get(t, f, "/healthz"); code != 200 {
		t.Fatalf("healthz after a cancelled query: %d %s", code, body)
	}
}

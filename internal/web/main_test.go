package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fixture is one loaded database and a voc serve over it as the analyst,
// shared by the tests of the package (loading takes a while).
type fixture struct {
	db     *testenv.DB
	srv    *Server
	http   *httptest.Server
	now    time.Time
	days   int
	perDay int
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

// testDays x testPerDay of generated history, enriched as voc run would.
const (
	testDays   = 14
	testPerDay = 400
)

// loaded returns the shared fixture: generated history ending at now (the
// server's clock is set to the end of the data, so every default range and
// "last hour" panel has rows).
func loaded(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix, fixErr = load(t, testDays, testPerDay) })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func load(t testing.TB, days, perDay int) (*fixture, error) {
	db := testenv.NewDBShared(t)
	en, err := enrich.New(enrich.Full)
	if err != nil {
		return nil, err
	}
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = days, perDay
	if _, err := genload.Load(context.Background(), db.Conn, cfg, en, genload.Options{}); err != nil {
		return nil, err
	}
	conn, err := clickhouse.Open(db.AnalystOptions())
	if err != nil {
		return nil, err
	}
	now := cfg.Start.AddDate(0, 0, days).Add(-2 * time.Hour)
	clock := func() time.Time { return now }
	reports := NewReports(conn, ReportsConfig{Now: clock, Options: report.Options{Lang: "en"}})
	srv, err := New(Config{Conn: conn, Database: db.Name, Now: clock, Reports: reports, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	return &fixture{db: db, srv: srv, http: httptest.NewServer(srv.Handler()), now: now, days: days, perDay: perDay}, nil
}

func get(t testing.TB, f *fixture, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(f.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func post(t testing.TB, f *fixture, path, contentType, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(f.http.URL+path, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

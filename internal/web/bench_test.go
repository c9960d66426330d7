package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/seal"
	"github.com/voc-analytics/voc/metrics"
)

// Demo-sized data: 14 days x 5,000 contacts a day, with their messages,
// tickets, surveys and suggestion posts (70,000 contacts: about three times
// what `voc demo` loads by default, 28 days x 800).
const (
	demoDays   = 14
	demoPerDay = 5000
)

var (
	demoOnce sync.Once
	demo     *fixture
	demoErr  error
)

// BenchmarkPanel times each panel's data endpoint (/api/panels/UID/ID, the
// dashboard's default range, no filters) on demo-sized data, through the
// whole handler: routing, the registry or rows query on ClickHouse as the
// analyst, JSON. The target is < 500 ms per panel. docs/benchmarks.md has
// the figures:
//
//	go test -run '^$' -bench BenchmarkPanel -benchtime 3x ./internal/web
//
// The history is sealed after loading (internal/seal), as ClickHouse's own
// refreshes do minutes after `voc demo` loads it: the panels are timed in
// the steady state, not while the seal of a fresh bulk load is pending.
// Besides ns/op each panel reports the ClickHouse server's CPU time
// (server-cpu-ms/op, user + system, from the queries' profile events) and
// the rows its queries read (rows-read/op): on a shared machine wall time
// grows with the load average, CPU time much less.
//
// VOC_BENCH_BASELINE_METRICS=DIR also times every metric panel with the
// metric SQL files of DIR (e.g. sql/metrics of an older commit, from
// `git archive`), on the same data in the same run, as PANEL/baseline next
// to PANEL/current.
func BenchmarkPanel(b *testing.B) {
	demoOnce.Do(func() {
		demo, demoErr = load(b, demoDays, demoPerDay)
		if demoErr == nil {
			_, demoErr = seal.Now(context.Background(), demo.db.Conn, demo.db.Name, nil)
		}
	})
	if demoErr != nil {
		b.Fatal(demoErr)
	}
	type variant struct {
		name string
		h    http.Handler
	}
	variants := []variant{{"", demo.srv.Handler()}}
	if dir := os.Getenv("VOC_BENCH_BASELINE_METRICS"); dir != "" {
		reg, err := metrics.Load(os.DirFS(dir))
		if err != nil {
			b.Fatalf("VOC_BENCH_BASELINE_METRICS=%s: %v", dir, err)
		}
		cfg := demo.srv.cfg
		cfg.Registry = reg
		base, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		variants = []variant{{"/current", demo.srv.Handler()}, {"/baseline", base.Handler()}}
	}
	for _, d := range demo.srv.cfg.Dashboards {
		for _, p := range d.Panels {
			if len(p.Metrics) == 0 && p.Rows == "" {
				continue // Prometheus's figure
			}
			name := fmt.Sprintf("%s/%02d_%s", strings.TrimPrefix(d.UID, "voc-"), p.ID, strings.NewReplacer(" ", "_", "/", "_").Replace(p.Title))
			path := fmt.Sprintf("/api/panels/%s/%d", d.UID, p.ID)
			for _, v := range variants {
				if v.name == "/baseline" && len(p.Metrics) == 0 {
					continue // rows queries are Go, not metric SQL
				}
				b.Run(name+v.name, func(b *testing.B) {
					var mu sync.Mutex
					var cpuUS, rows int64
					ctx := clickhouse.Context(context.Background(), clickhouse.WithProfileEvents(func(evs []clickhouse.ProfileEvent) {
						mu.Lock()
						defer mu.Unlock()
						for _, e := range evs {
							switch e.Name {
							case "UserTimeMicroseconds", "SystemTimeMicroseconds":
								cpuUS += e.Value
							case "SelectedRows":
								rows += e.Value
							}
						}
					}))
					n := 0
					for b.Loop() {
						n++
						rec := httptest.NewRecorder()
						v.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx))
						if rec.Code != 200 {
							b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
						}
					}
					mu.Lock()
					defer mu.Unlock()
					b.ReportMetric(float64(cpuUS)/1000/float64(n), "server-cpu-ms/op")
					b.ReportMetric(float64(rows)/float64(n), "rows-read/op")
				})
			}
		}
	}
}

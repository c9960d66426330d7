package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Demo-sized data: what `voc demo` generates (14 days x 5,000 contacts a
// day, with their messages, tickets, surveys and suggestion posts).
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
//	go test -run '^$' -bench BenchmarkPanel -benchtime 5x ./internal/web
func BenchmarkPanel(b *testing.B) {
	demoOnce.Do(func() { demo, demoErr = load(b, demoDays, demoPerDay) })
	if demoErr != nil {
		b.Fatal(demoErr)
	}
	h := demo.srv.Handler()
	for _, d := range demo.srv.cfg.Dashboards {
		for _, p := range d.Panels {
			if len(p.Metrics) == 0 && p.Rows == "" {
				continue // Prometheus's figure
			}
			name := fmt.Sprintf("%s/%02d_%s", strings.TrimPrefix(d.UID, "voc-"), p.ID, strings.NewReplacer(" ", "_", "/", "_").Replace(p.Title))
			path := fmt.Sprintf("/api/panels/%s/%d", d.UID, p.ID)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
					if rec.Code != 200 {
						b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
					}
				}
			})
		}
	}
}

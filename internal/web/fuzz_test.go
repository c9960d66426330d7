package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzQueryParameters sends arbitrary query strings to every GET endpoint:
// whatever the input, the server answers (no panic, which the recovery
// middleware would turn into a 500) with a client error or data, never a
// server error. The seeds run in every `go test`; `go test -fuzz
// FuzzQueryParameters ./internal/web` explores further.
func FuzzQueryParameters(f *testing.F) {
	for _, seed := range []string{
		"", "range=7d", "range=0d", "range=-5h", "range=99999999w", "from=2026-11-01&to=2026-11-08",
		"from=2026-11-08&to=2026-11-01", "from=garbage", "to=2026-13-45", "from=1970-01-01&to=2999-01-01",
		"channel=app,phone", "channel=%27%3B+DROP+TABLE+contacts--", "topic=" + url.QueryEscape("x'\\\x00"),
		"product_model=" + url.QueryEscape("E8N 65"), "day=2026-11-02", "day=notaday", "week=2026-W99", "hour_of_week=Mon+10",
		"hour_of_week=Funday+99", "limit=-1", "limit=999999999999999999999", "format=csv", "names=fcr&week=2026-W45",
		"names=fcr,asa&from=2026-11-02&to=2026-11-09&by=channel", "names=fcr&by=nope&week=2026-W45", "names=top_issues&limit=x&week=2026-W45",
		"names=fcr&week=2026-W45&param=repeat_window=abc", "names=fcr&week=2026-W45&filter=channel", "names=fcr&week=2026-W45&zone=Mars/Base",
		"names=fcr&from=2026-11-02T10:00&to=2026-11-02T09:00", "%zz", "a=%ff%fe", "channel=" + string(make([]byte, 300)),
	} {
		f.Add(seed)
	}
	fx := loaded(f)
	h := fx.srv.Handler()
	// Cheap endpoints of each kind: a metric panel, a rows panel, the rows
	// behind a chart, the metrics API, a variable, pages.
	paths := []string{"/api/panels/voc-suggestions/1", "/api/panels/voc-suggestions/5", "/api/rows/voc-suggestions/1",
		"/api/metrics", "/api/dashboards/voc-product/variables/product_model", "/d/voc-executive"}
	f.Fuzz(func(t *testing.T, query string) {
		for _, p := range append(paths, "/reports/"+query) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawQuery = p, query
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %s", p, query, rec.Code, rec.Body.String())
			}
		}
	})
}

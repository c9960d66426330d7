package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestWeeklyReport serves the report of internal/report: the last complete
// week by default, as HTML, Markdown and JSON; weeks that do not exist or
// have no data are answered with a reason, never a 500.
func TestWeeklyReport(t *testing.T) {
	f := loaded(t)
	latest := f.srv.latestWeek() // the fixture's clock is the end of its history
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/reports/latest", "/api/reports/latest"} {
		resp, err := noRedirect.Get(f.http.URL + path + "?x=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := strings.TrimSuffix(path, "latest") + latest + "?x=1"
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 302 to %q", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}

	code, hdr, body := get(t, f, "/api/reports/"+latest)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/reports/%s: %d %s\n%.500s", latest, code, hdr.Get("Content-Type"), body)
	}
	var r struct {
		Week     string `json:"week"`
		Headline []struct {
			Metric string   `json:"metric"`
			Value  *float64 `json:"value"`
		} `json:"headline"`
		TopIssues []struct {
			Topic    string  `json:"topic"`
			Contacts float64 `json:"contacts"`
			Quotes   []any   `json:"quotes"`
		} `json:"top_issues"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("report JSON: %v\n%.500s", err, body)
	}
	if r.Week != latest || len(r.TopIssues) == 0 || r.TopIssues[0].Contacts <= 0 || len(r.TopIssues[0].Quotes) == 0 {
		t.Fatalf("report of %s: week %s, top issues %+v", latest, r.Week, r.TopIssues)
	}
	var contacts *float64
	for _, h := range r.Headline {
		if h.Metric == "contacts" {
			contacts = h.Value
		}
	}
	// The fixture generates testPerDay contacts a day: the week has about 7 times that.
	if contacts == nil || *contacts < 3*testPerDay || *contacts > 14*testPerDay {
		t.Errorf("headline contacts of %s = %v, want about %d", latest, contacts, 7*testPerDay)
	}

	code, hdr, body = get(t, f, "/reports/"+latest)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(body, latest) || !strings.Contains(body, "<svg") {
		t.Fatalf("GET /reports/%s: %d %s\n%.500s", latest, code, hdr.Get("Content-Type"), body)
	}
	code, hdr, body = get(t, f, "/reports/"+latest+"?format=md")
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/markdown") || !strings.HasPrefix(body, "#") {
		t.Fatalf("GET /reports/%s?format=md: %d %s\n%.300s", latest, code, hdr.Get("Content-Type"), body)
	}

	// The reports page lists the last complete week first.
	code, _, body = get(t, f, "/reports")
	if code != http.StatusOK || !strings.Contains(body, `href="/reports/`+latest+`"`) || strings.Contains(body, "not wired") {
		t.Fatalf("GET /reports: %d\n%.800s", code, body)
	}

	for _, tc := range []struct {
		path, want string
		code       int
	}{
		// 2026-10-26 is the first day of the history: the weeks before have none.
		{"/api/reports/2026-W40", "no contacts in week 2026-W40", http.StatusNotFound},
		{"/reports/2026-W40", "no contacts in week 2026-W40", http.StatusNotFound},
		{"/api/reports/2099-W10", "has not begun", http.StatusNotFound},
		{"/reports/2099-W10", "has not begun", http.StatusNotFound},
		{"/api/reports/2025-W53", "2025 has no week 53", http.StatusBadRequest},
		{"/reports/2025-W53", "2025 has no week 53", http.StatusBadRequest},
		{"/api/reports/2026-46", "want an ISO week", http.StatusBadRequest},
	} {
		code, _, body := get(t, f, tc.path)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want %d with %q:\n%.600s", tc.path, code, tc.code, tc.want, body)
		}
	}
	// Without data the reason names the latest week that has some.
	if _, _, body := get(t, f, "/api/reports/2026-W40"); !strings.Contains(body, "the latest week with data is 2026-W") {
		t.Errorf("no-data answer does not point to a week with data: %s", body)
	}
}

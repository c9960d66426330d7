package web

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/browser"
)

// chromium returns the browser, skipping (with the reason) only where none
// is installed; CI installs Debian's chromium (.ci/run), so CI never skips.
func chromium(t *testing.T) string {
	t.Helper()
	bin, err := browser.Find(os.Getenv)
	if errors.Is(err, browser.ErrNotFound) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v: CI must install chromium (.ci/run does)", err)
		}
		t.Skipf("SKIPPED, no browser test: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

const waitLoaded = WaitLoaded

type pageState struct {
	Loaded bool `json:"loaded"`
	Panels map[string]struct {
		Status string `json:"status"`
		Rows   int    `json:"rows"`
		Points int    `json:"points"`
		Error  string `json:"error"`
		Title  string `json:"title"`
		Kind   string `json:"kind"`
	} `json:"panels"`
	Schema int `json:"schema"`
}

var shots = flag.String("screenshots", "", "also write PNGs of the four dashboards to this directory (docs/img)")

// TestPagesInChromium loads every page in headless Chromium: no console
// error, exception or failed load; every chart and table has data; the SQL
// page shows ClickHouse's refusal of a write and still runs a read.
func TestPagesInChromium(t *testing.T) {
	bin := chromium(t)
	f := loaded(t)
	ctx := context.Background()
	var pages []string
	for _, d := range f.srv.cfg.Dashboards {
		pages = append(pages, "/d/"+d.UID)
		if len(d.Panels) > 0 {
			pages = append(pages, fmt.Sprintf("/d/%s/rows/%d", d.UID, d.Panels[0].ID))
		}
	}
	pages = append(pages, "/", "/reports")
	for _, path := range pages {
		t.Run(path, func(t *testing.T) {
			res, err := browser.Load(ctx, bin, f.http.URL+path, browser.Options{Width: 1400, Height: 1000, Eval: waitLoaded, Timeout: 4 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("browser errors on %s:\n%s", path, strings.Join(res.Errors, "\n"))
			}
			if path == "/" || path == "/reports" {
				return
			}
			var st pageState
			if err := json.Unmarshal(res.Value, &st); err != nil {
				t.Fatalf("page state %s: %v", res.Value, err)
			}
			if !st.Loaded || len(st.Panels) == 0 {
				t.Fatalf("page did not finish loading: %s", res.Value)
			}
			for id, p := range st.Panels {
				if p.Status == "external" {
					continue
				}
				if p.Status != "ok" || p.Rows == 0 {
					t.Errorf("panel %s %q (%s): status %s, %d rows, %d points drawn, error %q", id, p.Title, p.Kind, p.Status, p.Rows, p.Points, p.Error)
				}
			}
		})
	}

	if *shots != "" {
		files, err := f.srv.PhotographDashboards(ctx, bin, *shots)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshots: %v", files)
	}

	t.Run("/sql", func(t *testing.T) {
		script := `new Promise(function (resolve) {
  var t0 = Date.now();
  (function wait() {
    if (!window.vocRunSQL || !window.vocSchema) { if (Date.now() - t0 < 30000) { setTimeout(wait, 100); return; } }
    var out = {schema: window.vocSchema || 0};
    window.vocRunSQL("DROP TABLE ` + f.db.Name + `.contacts").then(function (w) {
      out.write = w;
      out.errorShown = document.getElementById("error").textContent;
      return window.vocRunSQL("SELECT channel, count() AS n FROM contacts GROUP BY channel");
    }).then(function (r) {
      out.read = r;
      out.cells = document.querySelectorAll("#result td").length;
      resolve(out);
    });
  })();
})`
		res, err := browser.Load(ctx, bin, f.http.URL+"/sql", browser.Options{Width: 1400, Height: 1000, Eval: script, Timeout: 2 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Schema int `json:"schema"`
			Write  struct {
				State  string `json:"state"`
				Status int    `json:"status"`
				Error  string `json:"error"`
			} `json:"write"`
			ErrorShown string `json:"errorShown"`
			Read       struct {
				State string `json:"state"`
				Rows  int    `json:"rows"`
			} `json:"read"`
			Cells int `json:"cells"`
		}
		if err := json.Unmarshal(res.Value, &out); err != nil {
			t.Fatalf("%s: %v", res.Value, err)
		}
		if out.Write.State != "error" || out.Write.Status != 403 || !strings.Contains(out.ErrorShown, "Not enough privileges") {
			t.Fatalf("DROP TABLE on the SQL page: %+v, page shows %q; want ClickHouse's refusal", out.Write, out.ErrorShown)
		}
		if out.Read.State != "ok" || out.Read.Rows < 3 || out.Cells < 6 || out.Schema < 5 {
			t.Fatalf("read after the refusal: %+v, %d cells, %d schema tables", out.Read, out.Cells, out.Schema)
		}
		// The refused write is a 403 from the API, which Chromium logs as a
		// failed resource load; nothing else may fail.
		for _, e := range res.Errors {
			if !strings.Contains(e, "403") {
				t.Errorf("browser error on /sql: %s", e)
			}
		}
	})
}

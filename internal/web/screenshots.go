package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voc-analytics/voc/internal/browser"
)

// WaitLoaded is JavaScript for browser.Options.Eval that resolves, once the
// first load of every panel of a page is done (or after 170 s), with the
// pages' test hooks: {loaded, panels: {ID: {status, rows, ...}}, schema}.
const WaitLoaded = `new Promise(function (resolve) {
  var t0 = Date.now();
  (function poll() {
    if (window.vocLoaded || Date.now() - t0 > 170000) {
      resolve({loaded: !!window.vocLoaded, panels: window.vocPanels || {}, schema: window.vocSchema || 0});
      return;
    }
    setTimeout(poll, 100);
  })();
})`

// PhotographDashboards serves the four dashboards from s on a loopback
// port and writes outDir/dashboard-UID.png for each (`make screenshots`),
// failing on any console error or a panel without data.
func (s *Server) PhotographDashboards(ctx context.Context, chromium, outDir string) ([]string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, l) }()
	defer func() { stop(); <-done }()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, d := range s.cfg.Dashboards {
		url := "http://" + l.Addr().String() + "/d/" + d.UID
		res, err := browser.Load(ctx, chromium, url, browser.Options{Width: 1600, Height: 1000, Screenshot: true, Eval: WaitLoaded, Settle: time.Second, Timeout: 4 * time.Minute})
		if err != nil {
			return files, err
		}
		if len(res.Errors) > 0 {
			return files, fmt.Errorf("%s: browser errors: %s", url, strings.Join(res.Errors, "; "))
		}
		var st struct {
			Panels map[string]struct{ Status, Title string } `json:"panels"`
		}
		if err := json.Unmarshal(res.Value, &st); err != nil {
			return files, err
		}
		for _, p := range st.Panels {
			if p.Status != "ok" && p.Status != "external" {
				return files, fmt.Errorf("%s: panel %q is %s", url, p.Title, p.Status)
			}
		}
		path := filepath.Join(outDir, "dashboard-"+strings.TrimPrefix(d.UID, "voc-")+".png")
		if err := os.WriteFile(path, res.Screenshot, 0o644); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

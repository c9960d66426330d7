// Command demotime measures the time to the first dashboard: it runs a
// command (`make demo`) and from its start polls voc serve until every
// panel of the executive dashboard answers with data (from the first days
// of the history loaded), then, once the demo says the whole history is
// loaded (-ready-line), until every panel answers again, then loads the page
// in headless Chromium and waits until every chart on it is drawn with data
// (optionally writing a screenshot), then stops the command with SIGINT, as
// Ctrl-C on a terminal does (to its whole process group), and reports the
// times and whether it stopped cleanly.
//
//	go run ./internal/demotime -url http://127.0.0.1:8080 -- make demo
//
// The figures in README.md ("make demo") come from it; VOC_CACHE_DIR set to
// an empty directory gives the cold start (the ClickHouse engine
// downloaded, verified and unpacked first).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/internal/browser"
	"github.com/voc-analytics/voc/internal/web"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "voc serve of the demo")
	uid := flag.String("dashboard", "voc-executive", "dashboard that must have data")
	shot := flag.String("screenshot", "", "write a PNG of the dashboard page, once drawn, to this file")
	timeout := flag.Duration("timeout", 15*time.Minute, "give up after this long")
	keep := flag.Bool("keep", false, "leave the command running instead of stopping it with SIGINT")
	readyLine := flag.String("ready-line", "History loaded", "the page is checked once the command has printed a line containing this too (voc demo: the whole history is loaded); empty: as soon as every panel has data")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: demotime [-url URL] [-screenshot FILE] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	if err := run(*base, *uid, *shot, *readyLine, *timeout, *keep, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "demotime:", err)
		os.Exit(1)
	}
}

func run(base, uid, shot, readyLine string, timeout time.Duration, keep bool, argv []string) error {
	var dash *dashboards.Dashboard
	for _, d := range dashboards.All() {
		if d.UID == uid {
			dash = &d
		}
	}
	if dash == nil {
		return fmt.Errorf("no dashboard %q", uid)
	}
	t0 := time.Now()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	// lineSeen is closed once the command printed readyLine.
	lineSeen := make(chan struct{})
	var lineAt time.Time
	if readyLine == "" {
		close(lineSeen)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		seen := readyLine == ""
		for sc.Scan() {
			fmt.Println(sc.Text())
			if !seen && strings.Contains(sc.Text(), readyLine) {
				seen, lineAt = true, time.Now()
				close(lineSeen)
			}
		}
		_, _ = io.Copy(os.Stdout, stdout)
	}()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a terminal's foreground job
	if err := cmd.Start(); err != nil {
		return err
	}
	// exited is closed when the command has ended, with exitErr set.
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(exited) }()
	stop := func() error {
		if keep {
			return nil
		}
		t := time.Now()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		select {
		case <-exited:
			fmt.Printf("demotime: stopped by SIGINT in %s, exit status: %v\n", time.Since(t).Round(100*time.Millisecond), exitStatus(exitErr))
			// make, like a shell, ends by the signal itself once its child
			// has exited: that is a clean stop too.
			var ee *exec.ExitError
			if errors.As(exitErr, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGINT {
					return nil
				}
			}
			return exitErr
		case <-time.After(2 * time.Minute):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			return errors.New("the command did not stop within 2 minutes of SIGINT: killed")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	// 1. Every panel of the dashboard answers with data: each polled on its
	// own, as the page loads them, until it has.
	first, err := waitPanels(ctx, base, dash, exited)
	if err != nil {
		stop()
		return err
	}
	fmt.Printf("demotime: all %d panels of %s have data (API) %s after the start of %q (slowest: %s)\n",
		first.n, uid, first.at.Sub(t0).Round(100*time.Millisecond), strings.Join(argv, " "), first.slowest)
	if readyLine != "" {
		select {
		case <-lineSeen:
		case <-exited:
			return fmt.Errorf("the command ended before it printed %q", readyLine)
		case <-ctx.Done():
			stop()
			return fmt.Errorf("no %q after %s", readyLine, timeout)
		}
		fmt.Printf("demotime: %q printed %s after the start\n", readyLine, lineAt.Sub(t0).Round(100*time.Millisecond))
		// Every panel again, now that everything is loaded.
		again, err := waitPanels(ctx, base, dash, exited)
		if err != nil {
			stop()
			return err
		}
		fmt.Printf("demotime: all %d panels of %s have data (API) after it, %s after the start (slowest: %s)\n",
			again.n, uid, again.at.Sub(t0).Round(100*time.Millisecond), again.slowest)
	}
	// 2. The page, drawn in a browser.
	bin, err := browser.Find(os.Getenv)
	if err != nil {
		fmt.Printf("demotime: no browser, page not checked: %v\n", err)
		return stop()
	}
	res, err := browser.Load(ctx, bin, base+"/d/"+uid, browser.Options{Width: 1600, Height: 1000, Screenshot: shot != "", Eval: web.WaitLoaded, Settle: time.Second, Timeout: 4 * time.Minute})
	if err != nil {
		stop()
		return err
	}
	var st struct {
		Loaded bool `json:"loaded"`
		Panels map[string]struct {
			Status string `json:"status"`
			Rows   int    `json:"rows"`
			Title  string `json:"title"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(res.Value, &st); err != nil {
		stop()
		return fmt.Errorf("page state %s: %w", res.Value, err)
	}
	var bad []string
	for id, p := range st.Panels {
		if p.Status != "external" && (p.Status != "ok" || p.Rows == 0) {
			bad = append(bad, fmt.Sprintf("%s %q: %s, %d rows", id, p.Title, p.Status, p.Rows))
		}
	}
	if !st.Loaded || len(bad) > 0 || len(res.Errors) > 0 {
		stop()
		return fmt.Errorf("page %s: loaded %v, panels without data %v, browser errors %v", uid, st.Loaded, bad, res.Errors)
	}
	fmt.Printf("demotime: page /d/%s drawn in Chromium, %d panels with data, %s after the start\n", uid, len(st.Panels), time.Since(t0).Round(100*time.Millisecond))
	if shot != "" {
		if err := os.WriteFile(shot, res.Screenshot, 0o644); err != nil {
			stop()
			return err
		}
		fmt.Printf("demotime: screenshot %s\n", shot)
	}
	return stop()
}

type panelsReady struct {
	n       int
	at      time.Time
	slowest string
}

// waitPanels polls every panel of d (its default view) until each answers
// with data, in parallel as the page does, and returns when the last did.
func waitPanels(ctx context.Context, base string, d *dashboards.Dashboard, exited <-chan struct{}) (panelsReady, error) {
	type done struct {
		title string
		at    time.Time
	}
	ch := make(chan done)
	n := 0
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, p := range d.Panels {
		if len(p.Metrics) == 0 && p.Rows == "" {
			continue // Prometheus's panels: not voc serve's
		}
		n++
		url := fmt.Sprintf("%s/api/panels/%s/%d", base, d.UID, p.ID)
		go func() {
			for pctx.Err() == nil {
				if panelHasData(pctx, url) {
					select {
					case ch <- done{p.Title, time.Now()}:
					case <-pctx.Done():
					}
					return
				}
				select {
				case <-pctx.Done():
				case <-time.After(500 * time.Millisecond):
				}
			}
		}()
	}
	var last panelsReady
	last.n = n
	for i := 0; i < n; i++ {
		select {
		case r := <-ch:
			last.at, last.slowest = r.at, r.title
		case <-exited:
			return last, errors.New("the command ended before the dashboard had data")
		case <-ctx.Done():
			return last, fmt.Errorf("%s: %d of %d panels still without data: %w", d.UID, n-i, n, ctx.Err())
		}
	}
	return last, nil
}

// panelHasData asks voc serve for one panel.
func panelHasData(ctx context.Context, url string) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var pd struct {
		Rows [][]any `json:"rows"`
	}
	err = json.NewDecoder(resp.Body).Decode(&pd)
	return resp.StatusCode == http.StatusOK && err == nil && hasFigure(pd.Rows)
}

// hasFigure: some cell is a number other than 0 (an empty table answers
// rows of zeros and nulls for some panels).
func hasFigure(rows [][]any) bool {
	for _, r := range rows {
		for _, v := range r {
			if f, ok := v.(float64); ok && f != 0 {
				return true
			}
		}
	}
	return false
}

func exitStatus(err error) string {
	if err == nil {
		return "0"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.String()
	}
	return err.Error()
}

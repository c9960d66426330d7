package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/metrics"
)

// TestDemoEndToEnd runs `voc demo` as a user would: embedded services,
// generated history (enough days for the last complete week), today's live
// trickle through Kafka and the pipeline, voc serve and the weekly report.
// While it serves, the executive dashboard's panels, the weekly report and
// the SQL page answer with data; Ctrl-C (SIGINT) stops it cleanly, the
// ClickHouse child included; a second run starts clean.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "demo")
	days := demoDaysForReport(time.Now(), metrics.DefaultZone) + 1
	args := []string{"demo", "--days", strconv.Itoa(days), "--contacts-per-day", "150", "--report-lang", "en",
		"--clickhouse-port", "0", "--http-port", "0", "--kafka-port", "0", "--addr", "127.0.0.1:0", "--data-dir", dataDir}
	env := append(os.Environ(), "VOC_LOCAL_STATE="+filepath.Join(dir, "state.json"), "VOC_DEMO_OPS_ADDR=127.0.0.1:0")

	cmd := exec.Command(vocBin, args...)
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stderr = out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.Write(append(sc.Bytes(), '\n'))
			if strings.Contains(sc.Text(), "serving until Ctrl-C") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(15 * time.Minute):
		t.Fatalf("voc demo not ready after 15 minutes:\n%s", out.String())
	}
	text := out.String()
	for _, want := range []string{"History loaded", "the dashboards have data", "Live trickle caught up", "voc demo is ready",
		"/d/voc-executive", "/d/voc-product", "/d/voc-operations", "/d/voc-suggestions", "/sql", "clickhouse client --host", "--user analyst", "analyst.password"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	m := regexp.MustCompile(`Weekly report:\s+(http://[0-9.:]+)/reports/([0-9]{4}-W[0-9]{2})`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no weekly report URL in the demo output:\n%s", text)
	}
	base, week := m[1], m[2]

	// Every panel of the executive dashboard has rows.
	exec0 := false
	for _, d := range dashboards.All() {
		if d.UID != "voc-executive" {
			continue
		}
		exec0 = true
		for _, p := range d.Panels {
			if len(p.Metrics) == 0 && p.Rows == "" {
				continue // Prometheus's, not voc serve's
			}
			code, body := httpGet(t, fmt.Sprintf("%s/api/panels/%s/%d", base, d.UID, p.ID))
			var pd struct {
				Rows [][]any `json:"rows"`
			}
			if err := json.Unmarshal(body, &pd); code != 200 || err != nil || len(pd.Rows) == 0 {
				t.Errorf("executive panel %d %q: %d, %d rows: %.300s", p.ID, p.Title, code, len(pd.Rows), body)
			}
		}
	}
	if !exec0 {
		t.Fatal("no voc-executive dashboard")
	}
	// The weekly report of the last complete week: served and written.
	if code, body := httpGet(t, base+"/reports/"+week); code != 200 || !bytes.Contains(body, []byte(week)) {
		t.Errorf("GET /reports/%s: %d %.300s", week, code, body)
	}
	var rep struct {
		Week      string `json:"week"`
		TopIssues []any  `json:"top_issues"`
	}
	if code, body := httpGet(t, base+"/api/reports/"+week); code != 200 || json.Unmarshal(body, &rep) != nil || rep.Week != week || len(rep.TopIssues) == 0 {
		t.Errorf("GET /api/reports/%s: %d %.300s", week, code, body)
	}
	for _, ext := range []string{".html", ".json"} {
		if st, err := os.Stat(filepath.Join(dataDir, "reports", week+ext)); err != nil || st.Size() < 1000 {
			t.Errorf("report file %s%s: %v", week, ext, err)
		}
	}
	// The SQL page, and a query through its API as the analyst.
	if code, body := httpGet(t, base+"/sql"); code != 200 {
		t.Errorf("GET /sql: %d %.300s", code, body)
	}
	resp, err := http.Post(base+"/api/sql", "text/plain", strings.NewReader("SELECT count() FROM contacts WHERE started_at >= today() - 1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var res struct {
		Rows [][]any `json:"rows"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &res) != nil || len(res.Rows) != 1 || fmt.Sprint(res.Rows[0][0]) == "0" {
		t.Errorf("POST /api/sql: %d %s (want the live contacts of today and yesterday)", resp.StatusCode, body)
	}

	// Ctrl-C stops everything: the process exits 0, ClickHouse's child goes.
	chPID := 0
	if m := regexp.MustCompile(`embedded ClickHouse ready.*pid=([0-9]+)`).FindStringSubmatch(text); m != nil {
		chPID, _ = strconv.Atoi(m[1])
	}
	if chPID == 0 {
		t.Fatalf("no ClickHouse pid in the output")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("voc demo after SIGINT: %v\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("voc demo still running 2 minutes after SIGINT:\n%s", out.String())
	}
	if err := syscall.Kill(chPID, 0); err == nil {
		t.Errorf("ClickHouse (pid %d) still runs after the demo stopped", chPID)
	}
	if !strings.Contains(out.String(), "embedded ClickHouse stopped") {
		t.Errorf("no clean ClickHouse stop in the output")
	}
	first := regexp.MustCompile(`History loaded: ([0-9,]+) events`).FindStringSubmatch(out.String())

	// A second demo starts clean: what the first left is gone, and it loads
	// the same history again (not on top of the first).
	stale := filepath.Join(dataDir, "stale")
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	again := exec.Command(vocBin, append(args, "--exit")...)
	again.Env = env
	out2, err := again.CombinedOutput()
	if err != nil {
		t.Fatalf("second voc demo: %v\n%s", err, out2)
	}
	second := regexp.MustCompile(`History loaded: ([0-9,]+) events`).FindStringSubmatch(string(out2))
	if first == nil || second == nil || first[1] != second[1] {
		t.Errorf("history of the first run %v, of the second %v: want the same", first, second)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the second demo kept the first one's data dir (%v)", err)
	}
	if !strings.Contains(string(out2), "voc demo is ready") {
		t.Errorf("second demo output:\n%s", out2)
	}
}

func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// syncBuffer is a bytes.Buffer safe for the two output streams.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// TestEveryPanelHasData: every panel of the four dashboards answers on
// generated history with rows (or says it is Prometheus's).
func TestEveryPanelHasData(t *testing.T) {
	f := loaded(t)
	for _, d := range f.srv.cfg.Dashboards {
		for _, p := range d.Panels {
			t.Run(fmt.Sprintf("%s/%d %s", d.UID, p.ID, p.Title), func(t *testing.T) {
				code, _, body := get(t, f, fmt.Sprintf("/api/panels/%s/%d", d.UID, p.ID))
				if code != 200 {
					t.Fatalf("status %d: %s", code, body)
				}
				var pd panelData
				if err := json.Unmarshal([]byte(body), &pd); err != nil {
					t.Fatal(err)
				}
				if pd.External != "" {
					if len(p.Metrics) > 0 || p.Rows != "" {
						t.Fatalf("panel with a query marked external")
					}
					return
				}
				if len(pd.Rows) == 0 || len(pd.Columns) == 0 {
					t.Fatalf("no data: %s", body)
				}
				if p.TimeSeries && len(pd.Times) != len(pd.Rows) {
					t.Fatalf("time series with %d times for %d rows", len(pd.Times), len(pd.Rows))
				}
			})
		}
	}
}

// TestMetricsAPIIsTheCLI: /api/metrics returns byte for byte what
// `voc metrics ... --format json` prints for the same arguments.
func TestMetricsAPIIsTheCLI(t *testing.T) {
	f := loaded(t)
	bin := filepath.Join(t.TempDir(), "voc")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/voc").CombinedOutput(); err != nil {
		t.Fatalf("build voc: %v\n%s", err, out)
	}
	now := f.now.Format(time.RFC3339)
	from := f.now.AddDate(0, 0, -7).Format(time.DateOnly)
	to := f.now.Format(time.DateOnly)
	cases := []struct {
		name string
		cli  []string
		api  url.Values
	}{
		{"by channel", []string{"fcr,asa", "--from", from, "--to", to, "--by", "channel", "--now", now},
			url.Values{"names": {"fcr,asa"}, "from": {from}, "to": {to}, "by": {"channel"}, "now": {now}}},
		{"week by day with a filter", []string{"csat,contacts", "--week", "2026-W45", "--by", "day", "--filter", "channel=app,phone", "--now", now},
			url.Values{"names": {"csat,contacts"}, "week": {"2026-W45"}, "by": {"day"}, "channel": {"app,phone"}, "now": {now}}},
		{"ranked with limit and param", []string{"top_issues", "--from", from, "--to", to, "--limit", "3", "--now", now},
			url.Values{"names": {"top_issues"}, "from": {from}, "to": {to}, "limit": {"3"}, "now": {now}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"metrics"}, append(tc.cli, "--format", "json", "--clickhouse", f.db.DSN())...)...)
			cmd.Env = append(os.Environ(), f.db.PasswordEnv(), "VOC_LOCAL_STATE="+filepath.Join(t.TempDir(), "none.json"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("voc metrics: %v\n%s", err, stderr.String())
			}
			code, _, got := get(t, f, "/api/metrics?"+tc.api.Encode())
			if code != 200 {
				t.Fatalf("status %d: %s", code, got)
			}
			if got != string(want) {
				t.Fatalf("/api/metrics differs from voc metrics --format json:\napi: %s\ncli: %s", got, want)
			}
			if len(want) < 10 {
				t.Fatalf("suspiciously small output %q", want)
			}
		})
	}
	code, _, body := get(t, f, "/api/metrics?names=nope&week=2026-W45")
	if code != 400 || !strings.Contains(body, "fcr") {
		t.Fatalf("unknown metric: %d %s, want 400 listing the valid ones", code, body)
	}
}

// TestSQL: the SQL API runs as the read-only analyst; writes and escapes
// come back as ClickHouse's message with a 4xx, and the server keeps
// serving.
func TestSQL(t *testing.T) {
	f := loaded(t)
	code, body := post(t, f, "/api/sql", "text/plain", "SELECT channel, count() AS n FROM contacts GROUP BY channel ORDER BY channel")
	if code != 200 {
		t.Fatalf("select: %d %s", code, body)
	}
	var res struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Columns, ",") != "channel,n" || len(res.Rows) < 3 {
		t.Fatalf("select: %s", body)
	}
	refused := []struct {
		name, sql string
		code      int
		want      string
	}{
		{"drop", "DROP TABLE " + f.db.Name + ".contacts", 403, "Not enough privileges"},
		{"insert", "INSERT INTO rejects (topic, kafka_partition, kafka_offset, reason) VALUES ('voc.chats', 0, 1, 'x')", 403, "Not enough privileges"},
		{"alter", "ALTER TABLE ticket_events DELETE WHERE 1", 403, "Not enough privileges"},
		{"escape the time limit", "SELECT 1 SETTINGS max_execution_time = 0", 403, "SETTING_CONSTRAINT_VIOLATION"},
		{"raise the time limit", "SELECT 1 SETTINGS max_execution_time = 3600", 403, "SETTING_CONSTRAINT_VIOLATION"},
		{"escape the memory limit", "SELECT 1 SETTINGS max_memory_usage = 0", 403, "readonly"},
		{"turn readonly off", "SELECT 1 SETTINGS readonly = 0", 403, "readonly"},
		{"read credentials", "SELECT * FROM system.users", 403, "Not enough privileges"},
		{"syntax", "SELEC 1", 400, "Syntax error"},
		{"empty", "  ;", 400, "no SQL"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			code, body := post(t, f, "/api/sql", "text/plain", tc.sql)
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Fatalf("%s: %d %s, want %d with %q", tc.sql, code, body, tc.code, tc.want)
			}
		})
	}
	// The page's CSV download: a form post.
	code, body = post(t, f, "/api/sql?format=csv", "application/x-www-form-urlencoded", url.Values{"sql": {"SELECT number AS n, toString(number) AS s FROM numbers(3)"}}.Encode())
	if code != 200 || body != "n,s\n0,0\n1,1\n2,2\n" {
		t.Fatalf("csv: %d %q", code, body)
	}
	if code, _, body := get(t, f, "/healthz"); code != 200 {
		t.Fatalf("healthz after refusals: %d %s", code, body)
	}
	code, _, body = get(t, f, "/api/schema")
	if code != 200 || !strings.Contains(body, `"Name":"contacts"`) || !strings.Contains(body, "Analyst views") {
		t.Fatalf("schema: %d %.300s", code, body)
	}
}

// TestDrillDown: a bar of a chart leads to the rows behind it.
func TestDrillDown(t *testing.T) {
	f := loaded(t)
	d, err := f.srv.dashboard("voc-executive")
	if err != nil {
		t.Fatal(err)
	}
	var fcrByChannel int
	for _, p := range d.Panels {
		if p.Title == "FCR by channel" {
			fcrByChannel = p.ID
		}
	}
	code, _, body := get(t, f, fmt.Sprintf("/api/rows/voc-executive/%d?channel=phone&limit=50", fcrByChannel))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var rr rowsResult
	if err := json.Unmarshal([]byte(body), &rr); err != nil {
		t.Fatal(err)
	}
	ch := indexOf(rr.Columns, "channel")
	if rr.Grain != "contact" || len(rr.Rows) != 50 || ch < 0 || indexOf(rr.Columns, "quote") < 0 {
		t.Fatalf("grain %s, %d rows, columns %v", rr.Grain, len(rr.Rows), rr.Columns)
	}
	for _, r := range rr.Rows {
		if r[ch] != "phone" {
			t.Fatalf("row of channel %v behind the phone bar", r[ch])
		}
	}
	// Every panel's rows answer.
	for _, dd := range f.srv.cfg.Dashboards {
		for _, p := range dd.Panels {
			if len(p.Metrics) == 0 && p.Rows == "" {
				continue
			}
			code, _, body := get(t, f, fmt.Sprintf("/api/rows/%s/%d", dd.UID, p.ID))
			if code != 200 {
				t.Errorf("rows of %s/%d %s: %d %s", dd.UID, p.ID, p.Title, code, body)
			}
		}
	}
	if code, _, _ := get(t, f, "/api/rows/voc-executive/999"); code != 404 {
		t.Fatalf("unknown panel: %d", code)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// TestStaticAndHeaders: ETags, 304s, long caching of hashed URLs, gzip,
// security headers; ECharts is served from the binary.
func TestStaticAndHeaders(t *testing.T) {
	f := loaded(t)
	u := assetURL("vendor/echarts/echarts.min.js")
	req, _ := http.NewRequest("GET", f.http.URL+u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatalf("echarts not gzipped: %v (Content-Encoding %q)", err, resp.Header.Get("Content-Encoding"))
	}
	js, _ := io.ReadAll(zr)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if len(js) < 1_000_000 || !bytes.Contains(js, []byte("echarts")) || etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("echarts: %d bytes, etag %q, cache %q", len(js), etag, resp.Header.Get("Cache-Control"))
	}
	req, _ = http.NewRequest("GET", f.http.URL+"/static/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 200 {
		t.Fatalf("another file's etag gave %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", f.http.URL+u, nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %v %v, want 304", resp.StatusCode, err)
	}
	code, h, body := get(t, f, "/d/voc-operations")
	if code != 200 || !strings.Contains(body, "echarts.min.js?v=") || h.Get("Content-Security-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("dashboard page: %d, headers %v", code, h)
	}
	for _, lic := range []string{"vendor/echarts/LICENSE", "vendor/echarts/NOTICE"} {
		if code, _, body := get(t, f, "/static/"+lic); code != 200 || !strings.Contains(body, "Apache") {
			t.Fatalf("%s: %d", lic, code)
		}
	}
}

// TestAuthAndBinding: beyond loopback needs users; users must log in.
func TestAuthAndBinding(t *testing.T) {
	if err := CheckAddr("0.0.0.0:8080", false); err == nil || !strings.Contains(err.Error(), "--auth-file") {
		t.Fatalf("0.0.0.0 without auth: %v", err)
	}
	for _, ok := range []string{"127.0.0.1:8080", "localhost:0", "[::1]:9"} {
		if err := CheckAddr(ok, false); err != nil {
			t.Fatalf("%s: %v", ok, err)
		}
	}
	if err := CheckAddr("0.0.0.0:8080", true); err != nil {
		t.Fatal(err)
	}
	line, err := HashPassword("alice", "s3cret pass")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "users")
	os.WriteFile(file, []byte("# voc serve users\n"+line+"\n"), 0o600)
	users, err := LoadAuthFile(file)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, []byte("bob:plain\n"), 0o600)
	if _, err := LoadAuthFile(file); err == nil || !strings.Contains(err.Error(), "bcrypt") {
		t.Fatalf("plain password accepted: %v", err)
	}
	h := users.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("in")) }))
	for _, tc := range []struct {
		user, pw string
		path     string
		want     int
	}{{"", "", "/", 401}, {"alice", "wrong", "/", 401}, {"mallory", "s3cret pass", "/", 401}, {"alice", "s3cret pass", "/", 200}, {"", "", "/healthz", 200}} {
		req, _ := http.NewRequest("GET", "http://x"+tc.path, nil)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pw)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s/%s %s: %d, want %d", tc.user, tc.pw, tc.path, rec.Code, tc.want)
		}
	}
}

// TestServerRefusesAWriter: voc serve must hold a read-only user.
func TestServerRefusesAWriter(t *testing.T) {
	f := loaded(t)
	if _, err := CheckReadOnly(context.Background(), f.db.Conn); err == nil || !strings.Contains(err.Error(), "readonly=0") {
		t.Fatalf("writer accepted: %v", err)
	}
	conn, err := clickhouse.Open(f.db.AnalystOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if user, err := CheckReadOnly(context.Background(), conn); err != nil || user != "analyst" {
		t.Fatalf("analyst: %q %v", user, err)
	}
}

// TestGracefulShutdown: a request in flight when the server is told to
// stop completes; then the port is closed.
func TestGracefulShutdown(t *testing.T) {
	f := loaded(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, l) }()
	base := "http://" + l.Addr().String()
	slow := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/api/sql", "text/plain", strings.NewReader("SELECT sleep(2)"))
		if err != nil {
			slow <- 0
			return
		}
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	if code := <-slow; code != 200 {
		t.Fatalf("request in flight during shutdown got %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// TestOperationsRefreshes: the operations page reloads its panels every
// 10 s or faster (app.js polls at the dashboard's refresh_ms).
func TestOperationsRefreshes(t *testing.T) {
	for _, d := range (&Config{Conn: nil}).dashboardsOrDefault() {
		desc := describeDashboard(d)
		if d.UID == "voc-operations" && (desc.RefreshMS <= 0 || desc.RefreshMS > 10000) {
			t.Fatalf("operations refresh_ms = %d, want 1..10000", desc.RefreshMS)
		}
	}
}

package chlocal

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/chusers"
)

func TestMain(m *testing.M) {
	RunChildIfRequested()
	os.Exit(m.Run())
}

// httpQuery runs q as the writer of s.
func httpQuery(t *testing.T, s *Server, q string) string {
	t.Helper()
	code, body := httpAs(t, s, s.Writer, q)
	if code != 200 {
		t.Fatalf("query %q: status %d: %s", q, code, body)
	}
	return body
}

// httpAs runs q over HTTP as login (no credentials for an empty User) and
// returns the status code and the trimmed body.
func httpAs(t *testing.T, s *Server, login chusers.Login, q string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.HTTPAddr+"/", strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	if login.User != "" {
		req.SetBasicAuth(login.User, login.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestServerLifecycleKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Start(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if v := httpQuery(t, s, "SELECT version()"); v < "25.8" {
		t.Errorf("version %q, want >= 25.8", v)
	}
	httpQuery(t, s, "CREATE DATABASE IF NOT EXISTS keep")
	httpQuery(t, s, "CREATE TABLE keep.t (x UInt32) ENGINE = MergeTree ORDER BY x")
	httpQuery(t, s, "INSERT INTO keep.t SELECT number FROM numbers(1000)")
	// The native port answers too.
	c, err := net.DialTimeout("tcp", s.TCPAddr, time.Second)
	if err != nil {
		t.Fatalf("native port: %v", err)
	}
	c.Close()
	pid := s.PID
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("child %d still running after Stop", pid)
	}

	s2, err := Start(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop(ctx)
	if got := httpQuery(t, s2, "SELECT count(), sum(x) FROM keep.t"); got != "1000\t499500" {
		t.Errorf("after restart got %q, want 1000 rows summing to 499500", got)
	}
}

func TestStartErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	// A regular file where a directory should be: not writable, even for root.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"port taken", Config{DataDir: t.TempDir(), TCPPort: taken}, "is taken"},
		{"library missing", Config{DataDir: t.TempDir(), LibPath: "/nonexistent/libchdb.so"}, "library missing"},
		{"data dir not writable", Config{DataDir: filepath.Join(file, "sub")}, "choose a writable --data-dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Start(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestSupervisorRestartsADeadChild(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(ctx)
	httpQuery(t, s, "CREATE TABLE default.t (x UInt8) ENGINE = MergeTree ORDER BY x")
	httpQuery(t, s, "INSERT INTO default.t VALUES (7)")
	first := s.PID
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for s.Restarts.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if s.Restarts.Load() != 1 || s.PID == first {
		t.Fatalf("restarts = %d, pid %d (was %d)", s.Restarts.Load(), s.PID, first)
	}
	if got := httpQuery(t, s, "SELECT sum(x) FROM default.t"); got != "7" {
		t.Fatalf("after restart got %q, want 7", got)
	}
}

// TestStopDuringRestart stops the server while the supervisor is bringing a
// killed child back: Stop must return and leave no engine process behind
// (it once waited for ever on the restarted child nobody signalled).
func TestStopDuringRestart(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(s.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Let the supervisor notice and start the next child, then stop.
	time.Sleep(100 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- s.Stop(ctx) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("Stop did not return within 90 s of a restart")
	}
	if pid := s.PID; pid != 0 && syscall.Kill(pid, 0) == nil {
		t.Errorf("engine pid %d still runs after Stop", pid)
	}
}

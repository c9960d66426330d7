package opsserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "voc_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Add(3)
	var writing atomic.Bool
	srv, err := Start(Config{Addr: "127.0.0.1:0", Registry: reg, Ready: []Check{
		{"runner", func(context.Context) error {
			if writing.Load() {
				return errors.New("retrying a failed write")
			}
			return nil
		}},
		{"clickhouse", func(context.Context) error { return nil }},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if strings.HasSuffix(srv.Addr(), ":0") {
		t.Fatalf("Addr %s: want the bound port", srv.Addr())
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + srv.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name, path string
		writing    bool
		wantCode   int
		wantBody   string
	}{
		{"healthz", "/healthz", false, 200, "ok"},
		{"metrics", "/metrics", false, 200, "voc_test_total 3"},
		{"ready", "/readyz", false, 200, "ready"},
		{"one check fails", "/readyz", true, 503, "not ready: runner: retrying a failed write"},
		{"pprof", "/debug/pprof/", false, 200, "goroutine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			writing.Store(tc.writing)
			code, body := get(tc.path)
			if code != tc.wantCode || !strings.Contains(body, tc.wantBody) {
				t.Errorf("GET %s = %d %q, want %d containing %q", tc.path, code, body, tc.wantCode, tc.wantBody)
			}
		})
	}
}

func TestTakenAddressFailsAtStart(t *testing.T) {
	reg := prometheus.NewRegistry()
	first, err := Start(Config{Addr: "127.0.0.1:0", Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := Start(Config{Addr: first.Addr(), Registry: reg}); err == nil || !strings.Contains(err.Error(), "--http-addr") {
		t.Fatalf("second server on %s: err %v, want an --http-addr error", first.Addr(), err)
	}
}

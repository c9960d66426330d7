package opsserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one readiness condition: Check returns nil when ready, else an
// error saying what is not ready.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config configures the server.
type Config struct {
	Addr     string               // listen address, e.g. 127.0.0.1:9108 (port 0 picks one)
	Registry *prometheus.Registry // served on /metrics
	Ready    []Check              // /readyz answers 200 only when all pass
	// CheckTimeout bounds one /readyz request; default 2 s.
	CheckTimeout time.Duration
	Log          *slog.Logger
}

// Server is a running ops endpoint.
type Server struct {
	addr string
	mux  *http.ServeMux
	srv  *http.Server
}

// Handler returns the ops endpoints of cfg, for tests and for embedding.
func Handler(cfg Config) *http.ServeMux {
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = 2 * time.Second
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{Registry: cfg.Registry}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), cfg.CheckTimeout)
		defer cancel()
		if err := ready(ctx, cfg.Ready); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// ready runs every check and joins the failures, each named.
func ready(ctx context.Context, checks []Check) error {
	var errs []error
	for _, c := range checks {
		if err := c.Check(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Start listens on cfg.Addr and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Registry == nil {
		return nil, errors.New("ops server: a Prometheus registry is required")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("--http-addr %s: %w (pass another address, or empty to disable)", cfg.Addr, err)
	}
	s := &Server{addr: l.Addr().String(), mux: Handler(cfg)}
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(l)
	log.Info("serving metrics", "addr", "http://"+s.addr+"/metrics")
	return s, nil
}

// Addr is the address the server listens on (with the port chosen when
// Config.Addr had port 0).
func (s *Server) Addr() string { return s.addr }

// Handle adds an endpoint, e.g. a status page of a component.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Close stops serving.
func (s *Server) Close() error { return s.srv.Close() }

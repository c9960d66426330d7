package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/metrics"
)

// Config is one voc serve.
type Config struct {
	// Addr is where to listen; default 127.0.0.1:8080. An address that is
	// not loopback needs Users.
	Addr string
	// Users, when set, must log in (HTTP basic authentication).
	Users *Users
	// Conn is the analyst's connection: read-only (Check verifies it).
	Conn driver.Conn
	// Database is the database Conn reads (for the schema pane); default voc.
	Database string
	Registry *metrics.Registry // default metrics.Default()
	// Dashboards default to dashboards.All().
	Dashboards []dashboards.Dashboard
	// Reports builds and renders weekly reports; nil: no report pages.
	Reports ReportSource
	Zone    *time.Location // days and weeks; default metrics.DefaultZone
	Log     *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// SQLRowLimit is the most rows /api/sql returns as JSON (the page shows
	// them; a CSV download streams every row); default 10000.
	SQLRowLimit int
	// QueryTimeout bounds each request's ClickHouse queries (its context
	// is cancelled, which cancels the query): the analyst's own limit is
	// long enough for a large export, too long for a page. A CSV download
	// of /api/sql gets the HTTP write timeout instead. Default 60 s.
	QueryTimeout time.Duration
}

// Validate checks the configuration before anything starts.
func (c *Config) Validate() error {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if err := CheckAddr(c.Addr, c.Users != nil); err != nil {
		return err
	}
	if c.Conn == nil {
		return errors.New("web: no ClickHouse connection")
	}
	if c.Database == "" {
		c.Database = "voc"
	}
	if c.Registry == nil {
		c.Registry = metrics.Default()
	}
	if c.Dashboards == nil {
		c.Dashboards = dashboards.All()
	}
	if c.Zone == nil {
		c.Zone = metrics.DefaultZone
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SQLRowLimit <= 0 {
		c.SQLRowLimit = 10000
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = 60 * time.Second
	}
	return nil
}

// CheckAddr accepts a listen address: host:port, and a host other than
// loopback only with authentication.
func CheckAddr(addr string, auth bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, e.g. 127.0.0.1:8080: %w", addr, err)
	}
	if _, err := strconv.Atoi(port); err != nil {
		return fmt.Errorf("--addr %q: port %q is not a number", addr, port)
	}
	if !isLoopback(host) && !auth {
		return fmt.Errorf("--addr %s listens beyond this machine: give --auth-file with bcrypt-hashed users (see README, 'voc serve'), or bind to 127.0.0.1", addr)
	}
	return nil
}

func (c *Config) dashboardsOrDefault() []dashboards.Dashboard {
	if c.Dashboards != nil {
		return c.Dashboards
	}
	return dashboards.All()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckReadOnly refuses a connection whose user may write: voc serve runs
// analysts' SQL, so it must hold a read-only user (readonly >= 1).
func CheckReadOnly(ctx context.Context, conn driver.Conn) (user string, err error) {
	var readonly string
	if err := conn.QueryRow(ctx, "SELECT currentUser(), toString(getSetting('readonly'))").Scan(&user, &readonly); err != nil {
		return "", fmt.Errorf("check the ClickHouse user of voc serve: %w", err)
	}
	if readonly == "0" {
		return user, fmt.Errorf("ClickHouse user %q may write (readonly=0): voc serve runs analysts' SQL and needs a read-only user such as 'analyst' (readonly=1): pass its DSN with --clickhouse or VOC_ANALYST_DSN", user)
	}
	return user, nil
}

// Server is a running voc serve.
type Server struct {
	cfg     Config
	handler http.Handler
	schema  schemaCache
	// queries bounds the dashboard queries running on ClickHouse at once:
	// a page loads all its panels together, and the analyst user may run
	// only so many queries at a time (chusers.AnalystSettings).
	queries chan struct{}
}

// maxPanelQueries is how many panel, rows and metrics queries voc serve
// runs on ClickHouse at once; the analysts' own SQL is not counted.
const maxPanelQueries = 6

// acquire waits for a query slot; release it when the query is done.
func (s *Server) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.queries <- struct{}{}:
		return func() { <-s.queries }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// New builds the server (routes, middleware) without listening.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, queries: make(chan struct{}, maxPanelQueries)}
	var h http.Handler = s.routes()
	h = queryDeadline(cfg.QueryTimeout, h)
	h = securityHeaders(h)
	h = gzipResponses(h)
	if cfg.Users != nil {
		h = cfg.Users.middleware(h)
	}
	h = logRequests(cfg.Log, h)
	s.handler = h
	return s, nil
}

// Handler is the whole application, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Timeouts of the HTTP server. Writes may take as long as a request's
// longest query (Config.QueryTimeout, 60 s) plus streaming a large CSV.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 3 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 20 * time.Second
)

// Serve listens on l until ctx ends, then stops accepting, lets requests in
// flight finish (up to 20 s) and returns nil.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("voc serve on %s: %w", l.Addr(), err)
	case <-ctx.Done():
	}
	s.cfg.Log.Info("voc serve stopping: finishing requests in flight", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("voc serve shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe listens on cfg.Addr and serves until ctx ends. ready, if
// not nil, gets the address listened on.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("voc serve: listen on %s (pass another --addr): %w", s.cfg.Addr, err)
	}
	if ready != nil {
		ready(l.Addr().String())
	}
	return s.Serve(ctx, l)
}

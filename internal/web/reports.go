package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/metrics"
)

// Reports is the ReportSource of voc serve: it builds a week's report with
// internal/report (the same report as `voc report weekly`) from the
// analyst's connection, and keeps each built report for ReportsConfig.TTL,
// so that the HTML page, its JSON and a reload do not compute it again.
type Reports struct {
	conn driver.Conn
	cfg  ReportsConfig

	mu    sync.Mutex
	cache map[string]*cachedReport
}

// ReportsConfig configures Reports. The zero value is usable.
type ReportsConfig struct {
	// Options is the template of every report (top issues, language,
	// emerging test, links, log); its Week and Now are set per request.
	Options report.Options
	Zone    *time.Location   // weeks; default metrics.DefaultZone
	Now     func() time.Time // clock; default time.Now
	TTL     time.Duration    // how long a built report is reused; default 2 minutes
}

type cachedReport struct {
	ready chan struct{} // closed once r/err are set
	r     *report.Report
	err   error
	built time.Time
}

// NewReports returns the weekly reports over conn.
func NewReports(conn driver.Conn, cfg ReportsConfig) *Reports {
	if cfg.Zone == nil {
		cfg.Zone = metrics.DefaultZone
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 2 * time.Minute
	}
	return &Reports{conn: conn, cfg: cfg, cache: map[string]*cachedReport{}}
}

// LatestWeek is the last complete week: what "latest" and the report pages
// default to.
func (rs *Reports) LatestWeek() string {
	return report.LastComplete(rs.cfg.Now(), rs.cfg.Zone).String()
}

// Render writes week's report in format (html, md or json). A week that
// does not exist is a *BadRequest, a week without contacts wraps
// ErrNoReport (with the latest week that has data, if any).
func (rs *Reports) Render(ctx context.Context, w io.Writer, week, format string) error {
	r, err := rs.Build(ctx, week)
	if err != nil {
		return err
	}
	return report.Render(w, r, format)
}

// Build returns week's report, built at most once per TTL (concurrent
// requests for the same week wait for one build).
func (rs *Reports) Build(ctx context.Context, week string) (*report.Report, error) {
	wk, err := report.ParseWeek(week, rs.cfg.Zone)
	if err != nil {
		return nil, &BadRequest{Msg: err.Error()}
	}
	now := rs.cfg.Now()
	if !wk.Start().Before(now) {
		return nil, fmt.Errorf("%w: week %s has not begun yet (the last complete week is %s)", ErrNoReport, wk, report.LastComplete(now, rs.cfg.Zone))
	}
	key := wk.String()
	rs.mu.Lock()
	c := rs.cache[key]
	if c != nil {
		select {
		case <-c.ready:
			// A failed build (other than no data) or an old one is redone.
			if now.Sub(c.built) > rs.cfg.TTL || (c.err != nil && !errors.Is(c.err, ErrNoReport)) {
				c = nil
			}
		default: // being built: wait for it below
		}
	}
	if c == nil {
		rs.prune(now)
		c = &cachedReport{ready: make(chan struct{})}
		rs.cache[key] = c
		rs.mu.Unlock()
		c.r, c.err = rs.build(ctx, wk, now)
		c.built = now
		close(c.ready)
	} else {
		rs.mu.Unlock()
	}
	select {
	case <-c.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return c.r, c.err
}

func (rs *Reports) build(ctx context.Context, wk report.Week, now time.Time) (*report.Report, error) {
	opt := rs.cfg.Options
	opt.Week, opt.Now = wk, now
	// A build outlives the request that started it (others may wait for
	// it), bounded by a timer, not a deadline (clickhouse-go would send a
	// deadline as max_execution_time, which the read-only user may not set).
	ctx, cancel := withQueryTimeout(context.WithoutCancel(ctx), reportBuildTimeout)
	defer cancel()
	r, err := report.Build(ctx, rs.conn, opt)
	var nd *report.NoDataError
	if errors.As(err, &nd) {
		return nil, fmt.Errorf("%w: %s", ErrNoReport, nd.Error())
	}
	if err != nil {
		return nil, fmt.Errorf("build the weekly report of %s: %w", wk, err)
	}
	return r, nil
}

// reportBuildTimeout bounds the queries of one report build.
const reportBuildTimeout = 5 * time.Minute

// prune drops finished entries older than the TTL once the cache holds
// more than a few weeks (every week ever asked for stays otherwise).
func (rs *Reports) prune(now time.Time) {
	if len(rs.cache) < 32 {
		return
	}
	for k, c := range rs.cache {
		select {
		case <-c.ready:
			if now.Sub(c.built) > rs.cfg.TTL || c.err != nil {
				delete(rs.cache, k)
			}
		default:
		}
	}
}

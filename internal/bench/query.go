package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/seal"
	"github.com/voc-analytics/voc/metrics"
	vocsql "github.com/voc-analytics/voc/sql"
)

// QueryConfig configures the query benchmark.
type QueryConfig struct {
	Contacts int       // contacts to generate (about 10 messages each)
	Days     int       // days the history spans
	Start    time.Time // first day of the history
	Chunks   int       // fill in this many time-ordered inserts (sealing after each); 0: one per week
	Cold     int       // cold runs per query (ClickHouse caches dropped before each)
	Warm     int       // warm runs per query
	// Baseline also fills a database with the schema before migration 0010
	// (contacts_agg read with FINAL) and measures the same queries on it.
	Baseline bool
	// Database is the name of the benchmark database; the baseline is
	// Database + "_before".
	Database string
	// Reuse keeps databases that already hold Contacts contacts instead of
	// filling them again (a run after --keep).
	Reuse bool
	Keep  bool // leave the databases in place at the end
	// Only runs the queries whose name contains one of these strings.
	Only []string
	Log  *slog.Logger
}

// DefaultQueryConfig is `voc bench query` without flags.
func DefaultQueryConfig() QueryConfig {
	return QueryConfig{
		Contacts: 10_000_000, Days: 365, Start: time.Date(2025, 12, 1, 0, 0, 0, 0, metrics.DefaultZone),
		Cold: 3, Warm: 10, Baseline: true, Database: "voc_bench",
	}
}

// Validate reports what is wrong with the configuration.
func (c QueryConfig) Validate() error {
	switch {
	case c.Contacts < 1000:
		return fmt.Errorf("--contacts %d: want at least 1000", c.Contacts)
	case c.Days < 31:
		return fmt.Errorf("--days %d: want at least 31 (the benchmark queries the last month)", c.Days)
	case c.Cold < 1 || c.Warm < 1:
		return fmt.Errorf("--cold %d --warm %d: want at least one run of each", c.Cold, c.Warm)
	case c.Database == "" || strings.ContainsAny(c.Database, " .`'\""):
		return fmt.Errorf("--database %q: want a plain name", c.Database)
	}
	return nil
}

// Timing is one query measured on one schema.
type Timing struct {
	ColdP50MS, ColdP95MS float64
	WarmP50MS, WarmP95MS float64
	RowsRead             uint64 // per run (warm)
	Err                  string `json:",omitempty"`
}

// QueryTiming is one benchmark query on both schemas.
type QueryTiming struct {
	Name   string  // analyst/..., metric/NAME, panel/DASHBOARD/ID
	What   string  // the query in words
	After  Timing  // current schema
	Before *Timing `json:",omitempty"` // schema before 0010, when measured
}

// Size is the disk a database takes.
type Size struct {
	Database string
	Bytes    uint64
	Rows     uint64
	Tables   map[string]uint64 // bytes on disk per table
}

// QueryResult is a whole benchmark run.
type QueryResult struct {
	Config      QueryConfig
	Server      string // ClickHouse version
	Machine     string // CPUs and memory as the server sees them
	FillSeconds map[string]float64
	Counts      map[string]uint64 // rows in the views and event tables (current schema)
	Sizes       []Size
	Queries     []QueryTiming
}

// Query fills the databases (unless reused) and measures the queries.
func Query(ctx context.Context, opts *clickhouse.Options, cfg QueryConfig) (*QueryResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Chunks <= 0 {
		cfg.Chunks = max(1, (cfg.Days+6)/7)
	}
	all, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		return nil, err
	}
	type target struct {
		db     string
		ms     []migrate.Migration
		sealed bool
	}
	targets := []target{{cfg.Database, all, true}}
	if cfg.Baseline {
		var before []migrate.Migration
		for _, m := range all {
			if m.Version < 10 {
				before = append(before, m)
			}
		}
		targets = append(targets, target{cfg.Database + "_before", before, false})
	}
	res := &QueryResult{Config: cfg, FillSeconds: map[string]float64{}, Counts: map[string]uint64{}}
	admin := *opts
	admin.Auth.Database = "default"
	conn, err := clickhouse.Open(&admin)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse %v: %w", opts.Addr, err)
	}
	defer conn.Close()
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&res.Server); err != nil {
		return nil, fmt.Errorf("ask ClickHouse its version: %w", err)
	}
	var cores uint64
	var mem float64
	if err := conn.QueryRow(ctx, "SELECT toUInt64(getSetting('max_threads')), (SELECT value FROM system.asynchronous_metrics WHERE metric = 'OSMemoryTotal') / 1073741824").Scan(&cores, &mem); err == nil {
		res.Machine = fmt.Sprintf("%d threads, %.0f GiB RAM", cores, mem)
	}
	spec := FillSpec{Contacts: cfg.Contacts, Start: cfg.Start, Days: cfg.Days}
	for _, t := range targets {
		start := time.Now()
		filled, err := ensureFilled(ctx, conn, opts, t.db, t.ms, t.sealed, spec, cfg, log)
		if err != nil {
			return nil, err
		}
		if filled {
			res.FillSeconds[t.db] = time.Since(start).Seconds()
		}
		if !cfg.Keep {
			defer func(db string) {
				_ = conn.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+db+" SYNC")
			}(t.db)
		}
	}
	for _, t := range targets {
		if err := settle(ctx, conn, t.db, log); err != nil {
			return nil, err
		}
	}
	for _, t := range []string{"contacts", "tickets", "survey_answers", "messages", "contact_events"} {
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+cfg.Database+"."+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s.%s: %w", cfg.Database, t, err)
		}
		res.Counts[t] = n
	}
	for _, t := range targets {
		s, err := dbSize(ctx, conn, t.db)
		if err != nil {
			return nil, err
		}
		res.Sizes = append(res.Sizes, s)
	}

	queries := benchQueries(spec)
	conns := map[string]driver.Conn{}
	for _, t := range targets {
		o := *opts
		o.Auth.Database = t.db
		o.Settings = clickhouse.Settings{"max_execution_time": 600}
		c, err := clickhouse.Open(&o)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		conns[t.db] = c
	}
	for i, q := range queries {
		if len(cfg.Only) > 0 && !slices.ContainsFunc(cfg.Only, func(s string) bool { return strings.Contains(q.name, s) }) {
			continue
		}
		qt := QueryTiming{Name: q.name, What: q.what}
		qt.After = measure(ctx, conn, conns[cfg.Database], q, cfg)
		if cfg.Baseline {
			b := measure(ctx, conn, conns[cfg.Database+"_before"], q, cfg)
			qt.Before = &b
		}
		log.Info("measured", "query", q.name, "n", fmt.Sprintf("%d/%d", i+1, len(queries)),
			"warm_p50_ms", qt.After.WarmP50MS, "warm_p95_ms", qt.After.WarmP95MS, "err", qt.After.Err)
		res.Queries = append(res.Queries, qt)
	}
	return res, nil
}

// ensureFilled creates and fills db unless cfg.Reuse and it already holds
// the contacts. It reports whether it filled.
func ensureFilled(ctx context.Context, conn driver.Conn, opts *clickhouse.Options, db string, ms []migrate.Migration, sealed bool, spec FillSpec, cfg QueryConfig, log *slog.Logger) (bool, error) {
	if cfg.Reuse {
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+db+".contacts").Scan(&n); err == nil && n == uint64(spec.Contacts) {
			log.Info("reusing filled database", "database", db, "contacts", n)
			return false, nil
		}
	}
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" SYNC"); err != nil {
		return false, fmt.Errorf("drop old %s: %w", db, err)
	}
	if _, err := migrate.Apply(ctx, opts, db, ms, log); err != nil {
		return false, fmt.Errorf("migrate %s: %w", db, err)
	}
	per := (spec.Contacts + cfg.Chunks - 1) / cfg.Chunks
	start := time.Now()
	for c := 0; c*per < spec.Contacts; c++ {
		first := c * per
		count := min(per, spec.Contacts-first)
		t0 := time.Now()
		if err := fillChunk(ctx, conn, db, spec, first, count); err != nil {
			return false, err
		}
		t1 := time.Now()
		if sealed {
			if _, err := seal.Now(ctx, conn, db, nil); err != nil {
				return false, fmt.Errorf("seal %s after contacts %d-%d: %w", db, first, first+count-1, err)
			}
		}
		done := first + count
		el := time.Since(start)
		eta := time.Duration(float64(el) / float64(done) * float64(spec.Contacts-done))
		log.Info("filling", "database", db, "contacts", done, "of", spec.Contacts,
			"contacts_per_s", int(float64(done)/el.Seconds()), "insert_ms", t1.Sub(t0).Milliseconds(), "seal_ms", time.Since(t1).Milliseconds(),
			"elapsed", el.Round(time.Second), "eta", eta.Round(time.Second))
	}
	return true, nil
}

// settle waits for the background merges of db to finish (at most 15
// minutes), so that both schemas are measured merged as they would be in
// steady state.
func settle(ctx context.Context, conn driver.Conn, db string, log *slog.Logger) error {
	deadline := time.Now().Add(15 * time.Minute)
	for {
		var merges, parts uint64
		if err := conn.QueryRow(ctx, "SELECT (SELECT count() FROM system.merges WHERE database = ?), (SELECT count() FROM system.parts WHERE database = ? AND active)", db, db).Scan(&merges, &parts); err != nil {
			return fmt.Errorf("watch merges of %s: %w", db, err)
		}
		if merges == 0 || time.Now().After(deadline) {
			log.Info("settled", "database", db, "merges_running", merges, "active_parts", parts)
			return nil
		}
		log.Info("waiting for merges", "database", db, "merges_running", merges, "active_parts", parts)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
		}
	}
}

func dbSize(ctx context.Context, conn driver.Conn, db string) (Size, error) {
	s := Size{Database: db, Tables: map[string]uint64{}}
	rows, err := conn.Query(ctx, "SELECT table, sum(bytes_on_disk), sum(rows) FROM system.parts WHERE database = ? AND active GROUP BY table", db)
	if err != nil {
		return s, fmt.Errorf("size of %s: %w", db, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var b, n uint64
		if err := rows.Scan(&t, &b, &n); err != nil {
			return s, err
		}
		s.Tables[t] = b
		s.Bytes += b
		s.Rows += n
	}
	return s, rows.Err()
}

// benchQuery is one query: SQL with parameters, or a registry query.
type benchQuery struct {
	name, what string
	sql        string
	params     clickhouse.Parameters
	metric     *metrics.Query
}

// benchQueries are the analyst's one-month queries on the contacts view,
// every metric of the registry over the last month, and every dashboard
// panel over its dashboard's default range, all ending at the end of the
// generated history.
func benchQueries(spec FillSpec) []benchQuery {
	end := spec.End()
	monthFrom := end.AddDate(0, -1, 0)
	p := clickhouse.Parameters{"from": monthFrom.UTC().Format("2006-01-02 15:04:05"), "to": end.UTC().Format("2006-01-02 15:04:05")}
	qs := []benchQuery{
		{name: "analyst/asa_by_channel", what: "ASA and volume by channel over one month (the issue's query)",
			sql: "SELECT channel, count(), avg(wait_seconds) FROM contacts WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND answered_at IS NOT NULL GROUP BY channel ORDER BY channel", params: p},
		{name: "analyst/by_day", what: "contacts, abandons and mean handle time per day over one month",
			sql: "SELECT toDate(started_at) AS day, count(), sum(abandoned), avg(handle_seconds) FROM contacts WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} GROUP BY day ORDER BY day", params: p},
		{name: "analyst/rows", what: "the first 1,000 contacts of the month, every column",
			sql: "SELECT * FROM contacts WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} ORDER BY started_at, contact_id LIMIT 1000", params: p},
		{name: "analyst/one_customer", what: "one customer's contacts over the month",
			sql: "SELECT contact_id, started_at, channel, service_category FROM contacts WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND customer_id = 'u-000000042' ORDER BY started_at", params: p},
	}
	reg := metrics.Default()
	for _, m := range reg.List() {
		q := metrics.Query{Metrics: []string{m.Name}, From: monthFrom, To: end, Now: end}
		qs = append(qs, benchQuery{name: "metric/" + m.Name, what: m.Title + ", one month, no dimensions", metric: &q})
	}
	seen := map[string]bool{}
	for _, d := range dashboards.All() {
		for _, pn := range d.Panels {
			if len(pn.Metrics) == 0 || pn.Query == nil {
				continue
			}
			q := *pn.Query
			rng := d.Range
			if pn.Window > 0 {
				rng = pn.Window
			}
			q.From, q.To, q.Now = end.Add(-rng), end, end
			key := fmt.Sprintf("%v|%v|%v|%v|%v|%d", q.Metrics, q.By, q.Params, q.From, q.Filters, q.Limit)
			if seen[key] {
				continue
			}
			seen[key] = true
			by := ""
			if len(q.By) > 0 {
				by = " by " + strings.Join(q.By, ",")
			}
			qs = append(qs, benchQuery{name: fmt.Sprintf("panel/%s/%d", d.UID, pn.ID),
				what: fmt.Sprintf("%s: %s%s over %s", pn.Title, strings.Join(q.Metrics, ","), by, rng), metric: &q})
		}
	}
	return qs
}

// coldCaches are ClickHouse's own caches; the OS page cache is left alone
// (dropping it needs root and slows every other process on the machine).
var coldCaches = []string{"MARK CACHE", "UNCOMPRESSED CACHE", "INDEX MARK CACHE", "INDEX UNCOMPRESSED CACHE", "QUERY CONDITION CACHE", "QUERY CACHE", "PRIMARY INDEX CACHE"}

func dropCaches(ctx context.Context, conn driver.Conn) {
	for _, c := range coldCaches {
		_ = conn.Exec(ctx, "SYSTEM DROP "+c)
	}
}

// measure runs q cfg.Cold times after dropping caches and cfg.Warm times
// back to back.
func measure(ctx context.Context, admin, conn driver.Conn, q benchQuery, cfg QueryConfig) Timing {
	var t Timing
	run := func() (time.Duration, uint64, error) {
		var read uint64
		qctx := clickhouse.Context(ctx, clickhouse.WithProgress(func(p *clickhouse.Progress) { read += p.Rows }))
		start := time.Now()
		var err error
		if q.metric != nil {
			_, err = metrics.Default().Run(qctx, conn, *q.metric)
		} else {
			err = drain(clickhouse.Context(qctx, clickhouse.WithParameters(q.params)), conn, q.sql)
		}
		return time.Since(start), read, err
	}
	var cold, warm []float64
	for range cfg.Cold {
		dropCaches(ctx, admin)
		d, _, err := run()
		if err != nil {
			t.Err = shortErr(err)
			return t
		}
		cold = append(cold, ms(d))
	}
	for range cfg.Warm {
		d, read, err := run()
		if err != nil {
			t.Err = shortErr(err)
			return t
		}
		warm = append(warm, ms(d))
		t.RowsRead = read
	}
	t.ColdP50MS, t.ColdP95MS = percentile(cold, 50), percentile(cold, 95)
	t.WarmP50MS, t.WarmP95MS = percentile(warm, 50), percentile(warm, 95)
	return t
}

func drain(ctx context.Context, conn driver.Conn, sql string) error {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func shortErr(err error) string {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return fmt.Sprintf("code %d: %s", ex.Code, firstLine(ex.Message))
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile is the nearest-rank percentile of xs.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// WriteTable writes the result as a Markdown table with the figures of both
// schemas side by side, then the sizes.
func (r *QueryResult) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "ClickHouse %s, %s; %d contacts over %d days from %s; %d cold runs (ClickHouse caches dropped, OS page cache kept) and %d warm runs per query.\n\n",
		r.Server, r.Machine, r.Config.Contacts, r.Config.Days, r.Config.Start.Format(time.DateOnly), r.Config.Cold, r.Config.Warm)
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(bw, "- %s: %d rows\n", k, r.Counts[k])
	}
	for db, s := range r.FillSeconds {
		fmt.Fprintf(bw, "- filled %s in %.0f s\n", db, s)
	}
	fmt.Fprintln(bw)
	before := r.Config.Baseline
	if before {
		fmt.Fprintln(bw, "| query | rows read | cold p50 / p95 ms | warm p50 / p95 ms | before 0010: rows read | cold p50 / p95 ms | warm p50 / p95 ms |")
		fmt.Fprintln(bw, "|---|---:|---:|---:|---:|---:|---:|")
	} else {
		fmt.Fprintln(bw, "| query | rows read | cold p50 / p95 ms | warm p50 / p95 ms |")
		fmt.Fprintln(bw, "|---|---:|---:|---:|")
	}
	cell := func(t Timing) string {
		if t.Err != "" {
			return "error | " + strings.ReplaceAll(t.Err, "|", "/") + " | "
		}
		return fmt.Sprintf("%d | %.0f / %.0f | %.0f / %.0f", t.RowsRead, t.ColdP50MS, t.ColdP95MS, t.WarmP50MS, t.WarmP95MS)
	}
	for _, q := range r.Queries {
		fmt.Fprintf(bw, "| `%s` %s | %s", q.Name, strings.ReplaceAll(q.What, "|", "/"), cell(q.After))
		if q.Before != nil {
			fmt.Fprintf(bw, " | %s", cell(*q.Before))
		}
		fmt.Fprintln(bw, " |")
	}
	fmt.Fprintln(bw)
	for _, s := range r.Sizes {
		fmt.Fprintf(bw, "- %s: %.2f GiB on disk, %d rows in %d tables", s.Database, float64(s.Bytes)/(1<<30), s.Rows, len(s.Tables))
		type tb struct {
			name string
			b    uint64
		}
		var ts []tb
		for n, b := range s.Tables {
			ts = append(ts, tb{n, b})
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].b > ts[j].b })
		var parts []string
		for _, t := range ts[:min(len(ts), 6)] {
			parts = append(parts, fmt.Sprintf("%s %.2f", t.name, float64(t.b)/(1<<30)))
		}
		fmt.Fprintf(bw, " (GiB: %s)\n", strings.Join(parts, ", "))
	}
	return bw.Flush()
}

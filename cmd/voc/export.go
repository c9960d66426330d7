package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/export"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/progress"
	"github.com/voc-analytics/voc/metrics"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

func init() {
	register(&command{
		Name:    "export",
		Summary: "stream a table, a query or metrics from ClickHouse into Parquet (zstd), Arrow IPC or CSV, as the read-only analyst",
		Usage:   "(--table NAME | --query SQL | --metric NAME ...) [--from T --to T] [--format parquet|arrow|arrow-file|csv] --out FILE",
		New:     func() Invocation { return newExportMain() },
	})
}

type exportMain struct {
	table, query, queryFile string
	metrics                 nameList
	from, to, zone          string
	timeColumn, final       string
	format, out             string
	compression             string
	rowGroup                int
	dsn, httpAddr           string
	// --metric only
	week, by, now string
	limit         int
	params        keyValues
	filters       keyValues
}

func newExportMain() *exportMain {
	return &exportMain{zone: "Asia/Shanghai", final: "auto", rowGroup: export.DefaultRowGroupRows}
}

// nameList is a repeatable flag that also splits on commas.
type nameList []string

func (s *nameList) String() string { return strings.Join(*s, ",") }
func (s *nameList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

func (m *exportMain) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.table, "table", "", "table or view to export, e.g. contacts or voc.messages (ReplacingMergeTree tables are read with FINAL: see --final)")
	fs.StringVar(&m.query, "query", "", "SELECT to export; --from/--to are available to it as {from:DateTime64(3)} and {to:DateTime64(3)}")
	fs.StringVar(&m.queryFile, "query-file", "", "file holding the SELECT to export (instead of --query)")
	fs.Var(&m.metrics, "metric", "metric from the registry to export (repeat or comma-separate); see 'voc metrics'")
	fs.StringVar(&m.from, "from", "", "start of the time range, included: 2026-11-02 (midnight in --zone), 2026-11-02T10:00 or RFC 3339")
	fs.StringVar(&m.to, "to", "", "end of the time range, exclusive")
	fs.StringVar(&m.zone, "zone", m.zone, "time zone of dates given to --from/--to")
	fs.StringVar(&m.timeColumn, "time-column", "", "column --from/--to apply to for --table (default: the table's event time, e.g. occurred_at or started_at)")
	fs.StringVar(&m.final, "final", m.final, "read --table with FINAL: auto (ReplacingMergeTree and kin), always, never")
	fs.StringVar(&m.format, "format", "", "parquet | arrow (IPC stream) | arrow-file (IPC file, no dictionaries) | csv (default: from --out's extension, else parquet)")
	fs.StringVar(&m.out, "out", "", "output file ('-' for stdout); written under a temporary name and renamed when complete")
	fs.StringVar(&m.compression, "compression", "", "parquet: zstd (default), snappy, gzip, lz4, brotli, none; arrow: none (default), zstd, lz4")
	fs.IntVar(&m.rowGroup, "row-group-rows", m.rowGroup, "rows per Parquet row group (bounds the writer's memory)")
	fs.StringVar(&m.week, "week", "", "--metric: ISO week instead of --from/--to, e.g. 2026-W45")
	fs.StringVar(&m.by, "by", "", "--metric: dimensions to group by, comma-separated: "+strings.Join(metrics.AllDimensions(), ", "))
	fs.Var(&m.filters, "filter", "--metric: DIM=V1[,V2] (repeatable), e.g. channel=app,phone")
	fs.Var(&m.params, "param", "--metric: metric parameter NAME=VALUE (repeatable), e.g. repeat_window=14")
	fs.StringVar(&m.now, "now", "", "--metric: evaluation time for metrics that depend on it (default now)")
	fs.IntVar(&m.limit, "limit", 0, "--metric: rows of ranked metrics such as top_issues")
	fs.StringVar(&m.dsn, "clickhouse", "", "DSN of a read-only ClickHouse user, e.g. clickhouse://analyst@host:9000/voc or http://analyst@host:8123/voc (default $VOC_ANALYST_DSN, else the analyst of a running 'voc local'; password from $VOC_ANALYST_PASSWORD or $VOC_ANALYST_PASSWORD_FILE)")
	fs.StringVar(&m.httpAddr, "clickhouse-http", "", "host:port of the HTTP interface of the server a native --clickhouse DSN names (default $VOC_CLICKHOUSE_HTTP, else a running 'voc local', else port 8123; an http:// DSN needs none)")
}

func (m *exportMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q (quote the SQL of --query)", args)
	}
	if m.out == "" {
		return errors.New("--out FILE is required ('-' for stdout)")
	}
	format, err := m.outputFormat()
	if err != nil {
		return err
	}
	zone, err := time.LoadLocation(m.zone)
	if err != nil {
		return fmt.Errorf("--zone %q: %w", m.zone, err)
	}
	rng := export.TimeRange{Column: m.timeColumn}
	if m.from != "" {
		if rng.From, err = metrics.ParseTime(m.from, zone); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	if m.to != "" {
		if rng.To, err = metrics.ParseTime(m.to, zone); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	if m.queryFile != "" {
		b, err := readFileArg(m.queryFile)
		if err != nil {
			return err
		}
		m.query = b
	}
	sources := 0
	for _, set := range []bool{m.table != "", m.query != "", len(m.metrics) > 0} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return errors.New("give exactly one of --table, --query (or --query-file) and --metric")
	}
	var q metrics.Query
	if len(m.metrics) > 0 {
		if q, err = m.metricQuery(zone); err != nil {
			return err
		}
	} else if m.week != "" || m.by != "" || len(m.filters) > 0 || len(m.params) > 0 || m.now != "" || m.limit != 0 {
		return errors.New("--week, --by, --filter, --param, --now and --limit go with --metric")
	}
	if m.httpAddr == "" {
		m.httpAddr = env.Getenv("VOC_CLICKHOUSE_HTTP")
	}
	return withAnalystHTTP(ctx, env, m.dsn, m.httpAddr, func(opts *clickhouse.Options, c *export.Client) error {
		bar := progress.New(ctx, env.Stderr, env.Log, "export", progress.Options{Unit: "rows"})
		opt := export.Options{Format: format, Compression: m.compression, RowGroupRows: int64(m.rowGroup), Log: env.Log,
			Progress: func(p export.Progress) {
				bar.Update(p.Rows, p.Total, fmt.Sprintf("read %s, wrote %s", progress.Bytes(p.BytesIn), progress.Bytes(p.BytesOut)))
			}}
		var st export.Stats
		switch {
		case len(m.metrics) > 0:
			// Through the registry, as `voc metrics` computes them: the same numbers.
			if opts.Protocol == clickhouse.HTTP {
				return errors.New("--metric needs a native DSN (clickhouse://analyst@host:9000/voc): clickhouse-go's HTTP protocol sends settings that a read-only user may not change")
			}
			conn, cerr := chsink.Open(ctx, chsink.Config{Options: opts, Log: env.Log})
			if cerr != nil {
				return cerr
			}
			defer conn.Close()
			var res *metrics.Result
			if res, err = metrics.Default().Run(ctx, conn, q); err == nil {
				st, err = export.ResultFile(ctx, res, m.out, opt)
			}
		default:
			var req export.Request
			if m.table != "" {
				req, err = export.TableRequest(ctx, c, m.table, export.TableOptions{Range: rng, Final: m.final})
			} else {
				req = export.QueryRequest(m.query, rng)
			}
			if err == nil {
				st, err = export.File(ctx, c, req, m.out, opt)
			}
		}
		if err != nil {
			bar.Abort()
			return err
		}
		bar.Done()
		secs := max(st.Elapsed.Seconds(), 1e-9)
		env.Log.Info("export written", "out", m.out, "format", format, "rows", st.Rows, "bytes", st.BytesOut,
			"seconds", fmt.Sprintf("%.2f", secs), "rows_per_s", int64(float64(st.Rows)/secs),
			"read_mb_per_s", fmt.Sprintf("%.1f", float64(st.BytesIn)/secs/1e6))
		return nil
	})
}

// metricQuery builds the registry query of --metric, as `voc metrics` does.
func (m *exportMain) metricQuery(zone *time.Location) (metrics.Query, error) {
	from, to, err := metrics.ParseRange(m.from, m.to, m.week, zone)
	if err != nil {
		return metrics.Query{}, err
	}
	q := metrics.Query{Metrics: m.metrics, From: from, To: to, Zone: zone, By: splitComma(m.by), Limit: m.limit}
	if m.now != "" {
		if q.Now, err = metrics.ParseTime(m.now, zone); err != nil {
			return q, fmt.Errorf("--now: %w", err)
		}
	}
	for _, kv := range m.params {
		if q.Params == nil {
			q.Params = map[string]string{}
		}
		q.Params[kv.key] = kv.value
	}
	for _, kv := range m.filters {
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters[kv.key] = append(q.Filters[kv.key], splitComma(kv.value)...)
	}
	if _, err := metrics.Default().Statements(q); err != nil {
		return q, err // a bad query fails before connecting
	}
	return q, nil
}

func (m *exportMain) outputFormat() (export.Format, error) {
	if m.format != "" {
		return export.ParseFormat(m.format)
	}
	switch strings.ToLower(filepath.Ext(m.out)) {
	case ".arrows":
		return export.Arrow, nil
	case ".arrow", ".feather", ".ipc":
		return export.ArrowFile, nil
	case ".csv":
		return export.CSV, nil
	}
	return export.Parquet, nil
}

// withAnalystHTTP connects as the read-only analyst (--clickhouse, else
// $VOC_ANALYST_DSN, else a running voc local's analyst; never the writer)
// and hands fn a client for the same server's HTTP interface (export reads
// ClickHouse's ArrowStream output over HTTP).
func withAnalystHTTP(ctx context.Context, env *Env, dsnFlag, httpAddr string, fn func(*clickhouse.Options, *export.Client) error) error {
	opts, err := localenv.ClickHouseAnalyst(dsnFlag, env.Getenv)
	if err != nil {
		return err
	}
	if st, err := localenv.ReadState(env.Getenv); err == nil && httpAddr == "" && len(opts.Addr) > 0 && opts.Addr[0] == st.ClickHouse {
		httpAddr = st.ClickHouseHTTP
	}
	c, err := export.NewClient(opts, httpAddr)
	if err != nil {
		return err
	}
	return fn(opts, c)
}

func readFileArg(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read query file: %w", err)
	}
	return string(b), nil
}

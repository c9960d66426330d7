package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/voc-analytics/voc/metrics"
)

func init() {
	register(&command{
		Name:    "metrics",
		Summary: "compute metrics from the registry (sql/metrics): FCR, waits, SLA, CSAT/NPS, sentiment, top issues ...",
		Usage:   "NAME[,NAME...] (--from DATE --to DATE | --week 2026-W45) [--by DIM[,DIM]] [--format table|json|csv] [--sql] [--clickhouse DSN]",
		New:     func() Invocation { return newMetricsMain() },
	})
	register(&command{
		Name:    "metrics list",
		Summary: "list the metrics of the registry with their unit, dimensions and definition",
		Usage:   "[--format table|json]",
		New:     func() Invocation { return &metricsListMain{format: "table"} },
	})
}

// metricsMain is one run of `voc metrics NAME,...`.
type metricsMain struct {
	from, to, week string
	zone           string
	by             string
	format         string
	showSQL        bool
	dsn            string
	now            string
	limit          int
	qualityConfig  string
	params         keyValues
	filters        keyValues
	fs             *flag.FlagSet
}

func newMetricsMain() *metricsMain {
	return &metricsMain{format: "table", zone: metrics.DefaultZone.String()}
}

func (m *metricsMain) Flags(fs *flag.FlagSet) {
	m.fs = fs
	fs.StringVar(&m.from, "from", "", "start of the range, included: 2026-11-02, 2026-11-02T10:00 (in --zone) or RFC 3339")
	fs.StringVar(&m.to, "to", "", "end of the range, excluded (half-open [from, to))")
	fs.StringVar(&m.week, "week", "", "ISO week instead of --from/--to, e.g. 2026-W45 (Monday 00:00 to Monday 00:00 in --zone)")
	fs.StringVar(&m.zone, "zone", m.zone, "time zone of dates, days, weeks and hours")
	fs.StringVar(&m.by, "by", "", "dimensions to group by, comma-separated: "+strings.Join(metrics.AllDimensions(), ", "))
	fs.Var(&m.filters, "filter", "keep only rows whose dimension has one of the values: DIM=V1[,V2] (repeatable), e.g. channel=app,phone")
	fs.Var(&m.params, "param", "metric parameter: NAME=VALUE (repeatable), e.g. repeat_window=14; see 'voc metrics list'")
	fs.StringVar(&m.format, "format", m.format, "output: table, json (an array of objects) or csv")
	fs.BoolVar(&m.showSQL, "sql", false, "print the SQL and its parameters instead of running it")
	fs.StringVar(&m.now, "now", "", "evaluation time for metrics that depend on it (fcr_pending, ticket backlog); default: now")
	fs.IntVar(&m.limit, "limit", 0, fmt.Sprintf("rows of ranked metrics such as top_issues (default %d)", metrics.DefaultLimit))
	fs.StringVar(&m.qualityConfig, "quality-config", "", "YAML file of quality index weights, components, targets and floors (default $VOC_QUALITY_CONFIG, else the embedded metrics/quality.yaml)")
	clickhouseFlag(fs, &m.dsn)
}

func (m *metricsMain) Run(ctx context.Context, env *Env, args []string) error {
	// The usage puts the names first (voc metrics fcr --week 2026-W45), where
	// the flag package stops: parse the flags that follow them too.
	if len(args) > 1 && m.fs != nil {
		if err := m.fs.Parse(args[1:]); err != nil {
			return err
		}
		args = append(args[:1], m.fs.Args()...)
	}
	if len(args) != 1 {
		return fmt.Errorf("want one argument, the metrics (comma-separated); valid metrics: %s", strings.Join(metrics.Default().Names(), ", "))
	}
	if m.format != "table" && m.format != "json" && m.format != "csv" {
		return fmt.Errorf("--format %q: want table, json or csv", m.format)
	}
	q, err := m.query(args[0])
	if err != nil {
		return err
	}
	reg := metrics.Default()
	if path := firstNonEmpty(m.qualityConfig, env.Getenv("VOC_QUALITY_CONFIG")); path != "" {
		c, err := metrics.LoadQualityConfig(path)
		if err != nil {
			return err
		}
		if reg, err = reg.WithQuality(c); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if m.showSQL {
		sts, err := reg.Statements(q)
		if err != nil {
			return err
		}
		for _, st := range sts {
			metrics.WriteStatement(env.Stdout, st)
		}
		return nil
	}
	if _, err := reg.Statements(q); err != nil {
		return err // a bad query fails before connecting
	}
	db, err := openClickHouse(ctx, env, m.dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := reg.Run(ctx, db, q)
	if err != nil {
		return err
	}
	switch m.format {
	case "json":
		return res.WriteJSON(env.Stdout)
	case "csv":
		return res.WriteCSV(env.Stdout)
	}
	return res.WriteTable(env.Stdout)
}

func (m *metricsMain) query(names string) (metrics.Query, error) {
	a := metrics.Args{Names: names, From: m.from, To: m.to, Week: m.week, Zone: m.zone, By: m.by, Now: m.now, Limit: m.limit}
	for _, kv := range m.params {
		a.Params = append(a.Params, kv.key+"="+kv.value)
	}
	for _, kv := range m.filters {
		a.Filters = append(a.Filters, kv.key+"="+kv.value)
	}
	return a.Query()
}

func splitComma(s string) []string { return metrics.SplitList(s) }

// keyValues is a repeatable KEY=VALUE flag.
type keyValues []struct{ key, value string }

func (kv *keyValues) String() string { return "" }

func (kv *keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q: want NAME=VALUE", s)
	}
	*kv = append(*kv, struct{ key, value string }{strings.TrimSpace(k), strings.TrimSpace(v)})
	return nil
}

// metricsListMain is one run of `voc metrics list`.
type metricsListMain struct{ format string }

func (m *metricsListMain) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.format, "format", m.format, "output: table or json")
}

func (m *metricsListMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	switch m.format {
	case "table":
		return metrics.WriteList(env.Stdout, metrics.Default())
	case "json":
		return metrics.WriteListJSON(env.Stdout, metrics.Default())
	}
	return fmt.Errorf("--format %q: want table or json", m.format)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

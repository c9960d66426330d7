package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/voc-analytics/voc/internal/bench"
	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/localenv"
)

func init() {
	register(&command{
		Name:    "bench query",
		Summary: "fill ClickHouse with N synthetic contacts through the real event tables and views, then time the analyst queries, every metric and every dashboard panel, cold and warm, before and after the sealed-contacts schema",
		Usage:   "[--contacts N] [--days D] [--cold N] [--warm N] [--no-baseline] [--keep] [--reuse] [--data-dir DIR | --clickhouse DSN] [--json]",
		New:     func() Invocation { return newBenchQueryMain() },
	})
}

// benchQueryMain is one run of `voc bench query`.
type benchQueryMain struct {
	cfg        bench.QueryConfig
	noBaseline bool
	only       string
	start      string
	dataDir    string
	dsn        string
	jsonOut    bool
}

func newBenchQueryMain() *benchQueryMain {
	cfg := bench.DefaultQueryConfig()
	return &benchQueryMain{cfg: cfg, start: cfg.Start.Format(time.DateOnly)}
}

func (m *benchQueryMain) Flags(fs *flag.FlagSet) {
	fs.IntVar(&m.cfg.Contacts, "contacts", m.cfg.Contacts, "contacts to generate (about 10 messages, 0.13 tickets and 0.9 surveys each); 100000000 needs about 10 times the disk of the default (see docs/benchmarks.md)")
	fs.IntVar(&m.cfg.Days, "days", m.cfg.Days, "days the history spans (fewer days: more contacts per month)")
	fs.StringVar(&m.start, "start", m.start, "first day of the history (Asia/Shanghai)")
	fs.IntVar(&m.cfg.Chunks, "chunks", m.cfg.Chunks, "time-ordered inserts to fill with, sealing after each (0: one per week of history)")
	fs.IntVar(&m.cfg.Cold, "cold", m.cfg.Cold, "cold runs per query (ClickHouse's caches dropped before each)")
	fs.IntVar(&m.cfg.Warm, "warm", m.cfg.Warm, "warm runs per query")
	fs.BoolVar(&m.noBaseline, "no-baseline", false, "do not also fill and measure the schema before migration 0010 (halves the fill)")
	fs.StringVar(&m.cfg.Database, "database", m.cfg.Database, "benchmark database (the baseline is DATABASE_before); dropped at the end unless --keep")
	fs.BoolVar(&m.cfg.Keep, "keep", false, "keep the benchmark databases")
	fs.BoolVar(&m.cfg.Reuse, "reuse", false, "measure databases kept by an earlier --keep run with the same --contacts instead of filling again")
	fs.StringVar(&m.only, "only", "", "measure only the queries whose name contains one of these comma-separated strings (analyst/, metric/fcr, panel/ops ...)")
	fs.StringVar(&m.dataDir, "data-dir", "", "data directory of the embedded ClickHouse when no --clickhouse is given (default: a temporary directory, removed at the end)")
	fs.BoolVar(&m.jsonOut, "json", false, "print JSON instead of the Markdown table")
	clickhouseFlag(fs, &m.dsn)
}

func (m *benchQueryMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q: voc bench query takes flags only", args)
	}
	cfg := m.cfg
	cfg.Baseline = !m.noBaseline
	cfg.Log = env.Log
	if m.only != "" {
		cfg.Only = strings.Split(m.only, ",")
	}
	start, err := time.ParseInLocation(time.DateOnly, m.start, cfg.Start.Location())
	if err != nil {
		return fmt.Errorf("--start %q: want a date like 2025-12-01: %w", m.start, err)
	}
	cfg.Start = start
	if err := cfg.Validate(); err != nil {
		return err
	}
	dsn, err := localenv.ClickHouseDSN(m.dsn, env.Getenv)
	if errors.Is(err, localenv.ErrNotFound) {
		dir := m.dataDir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "voc-bench-query-"); err != nil {
				return err
			}
			defer os.RemoveAll(dir)
		}
		env.Log.Info("starting the embedded ClickHouse for the benchmark", "data_dir", dir)
		srv, err := chlocal.Start(ctx, chlocal.Config{DataDir: dir, Log: env.Log, Getenv: env.Getenv})
		if err != nil {
			return err
		}
		defer srv.Stop(context.Background())
		dsn = srv.DSN(cfg.Database)
	} else if err != nil {
		return err
	}
	opts, err := localenv.ClickHouseOptions(dsn, env.Getenv)
	if err != nil {
		return err
	}
	res, err := bench.Query(ctx, opts, cfg)
	if err != nil {
		return err
	}
	if m.jsonOut {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.WriteTable(env.Stdout)
}

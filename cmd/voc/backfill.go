package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/progress"
	"github.com/voc-analytics/voc/pipeline/files"
)

func init() {
	register(&command{
		Name:    "backfill",
		Summary: "load JSONL or Parquet files of contract events through the pipeline (validate, enrich, write), idempotent and resumable",
		Usage:   "[flags] FILE...",
		New:     func() Invocation { return newBackfillMain() },
	})
}

type backfillMain struct {
	cfg       files.Config
	dsn       string
	enrich    string
	noMigrate bool
}

func newBackfillMain() *backfillMain {
	return &backfillMain{cfg: files.DefaultConfig(), enrich: defaultEnrich}
}

func (m *backfillMain) Flags(fs *flag.FlagSet) {
	clickhouseFlag(fs, &m.dsn)
	fs.StringVar(&m.cfg.Topic, "topic", "", "stream of lines whose \"type\" does not say one (voc.chats, voc.tickets, voc.surveys, voc.suggestions; default: from the file name)")
	fs.StringVar(&m.enrich, "enrich", m.enrich, "text enrichment: "+enrichChoices)
	fs.BoolVar(&m.cfg.Restart, "restart", false, "ignore the checkpoints and read every file from the start (idempotent: adds nothing already there)")
	fs.IntVar(&m.cfg.Runner.BatchSize, "batch-size", m.cfg.Runner.BatchSize, "write (and checkpoint) after this many lines")
	fs.IntVar(&m.cfg.Runner.Limits.MaxTextBytes, "max-text-bytes", m.cfg.Runner.Limits.MaxTextBytes, "longest accepted free-text field; longer events are rejected")
	fs.DurationVar(&m.cfg.Runner.Limits.MaxPast, "max-past", m.cfg.Runner.Limits.MaxPast, "reject events whose occurred_at is further in the past")
	fs.DurationVar(&m.cfg.Runner.Limits.MaxFuture, "max-future", m.cfg.Runner.Limits.MaxFuture, "reject events whose occurred_at is further in the future")
	fs.BoolVar(&m.noMigrate, "no-migrate", false, "do not apply schema migrations first")
}

func (m *backfillMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return errors.New("give the files to backfill: voc backfill FILE... (JSONL, .jsonl.gz or Parquet)")
	}
	m.cfg.Paths = args
	if err := m.cfg.Runner.Validate(); err != nil {
		return err
	}
	enricher, err := newEnricher(m.enrich)
	if err != nil {
		return err
	}
	m.cfg.Enricher, m.cfg.Log = enricher, env.Log
	db, err := localenv.OpenClickHouse(ctx, localenv.ClickHouseConfig{DSN: m.dsn, Migrate: !m.noMigrate, MaxOpenConns: 8, Getenv: env.Getenv, Log: env.Log})
	if err != nil {
		return err
	}
	defer db.Close()
	{
		bar := progress.New(ctx, env.Stderr, env.Log, "backfill", progress.Options{Unit: "bytes", Format: progress.Bytes})
		m.cfg.Progress = func(p files.Progress) {
			rate := float64(p.Events+p.Rejects) / max(p.Elapsed.Seconds(), 1e-9)
			bar.Update(p.Bytes, p.TotalBytes, fmt.Sprintf("files %d/%d, %s events, %s rejects, %s events/s",
				p.FilesDone, p.Files, progress.Count(p.Events), progress.Count(p.Rejects), progress.Count(int64(rate))))
		}
		sum, err := files.Backfill(ctx, db, m.cfg)
		if err != nil {
			bar.Abort()
			return err
		}
		bar.Done()
		secs := max(sum.Elapsed.Seconds(), 1e-9)
		env.Log.Info("backfill finished", "files", len(sum.Files), "skipped", sum.Skipped, "lines", sum.Lines, "events", sum.Events, "rejects", sum.Rejects,
			"seconds", fmt.Sprintf("%.1f", secs), "events_per_s", int64(float64(sum.Events+sum.Rejects)/secs))
		for _, f := range sum.Files {
			fmt.Fprintf(env.Stdout, "%s\t%d lines\t%d events\t%d rejects\t%s\n", f.Path, f.Done, f.Events, f.Rejects, map[bool]string{true: "done", false: "incomplete"}[f.Finished])
		}
		if sum.Rejects > 0 {
			fmt.Fprintf(env.Stdout, "rejected rows: SELECT source_file, source_line, reason, field, detail FROM rejects FINAL WHERE source_file != '' ORDER BY source_file, source_line\n")
		}
		return nil
	}
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

func init() {
	register(&command{
		Name:    "generate",
		Summary: "generate realistic contacts, tickets, surveys and suggestions (to Kafka, JSONL files, or straight into ClickHouse)",
		Usage:   "[flags]",
		New:     func() Invocation { return newGenerateMain() },
	})
}

// generateMain is one run of `voc generate`.
type generateMain struct {
	cfg       generate.Config
	start     string
	to, out   string
	brokers   string
	rate      float64
	follow    bool
	batchSize int
	dsn       string
	enrich    string
}

func newGenerateMain() *generateMain {
	cfg := generate.DefaultConfig()
	return &generateMain{cfg: cfg, start: cfg.Start.Format(time.DateOnly), to: "kafka", batchSize: 1000, enrich: enrich.Full}
}

func (m *generateMain) Flags(fs *flag.FlagSet) {
	cfg := &m.cfg
	fs.IntVar(&cfg.Days, "days", cfg.Days, "days of history")
	fs.IntVar(&cfg.ContactsPerDay, "contacts-per-day", cfg.ContactsPerDay, "average contacts (chats and calls) per day")
	fs.StringVar(&m.start, "start", m.start, "first day (YYYY-MM-DD, Asia/Shanghai)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed: the same seed and flags give byte-identical events")
	fs.StringVar(&m.to, "to", m.to, "output: kafka, jsonl, or clickhouse (straight into the tables through the pipeline's validation and --enrich, without Kafka)")
	fs.StringVar(&m.out, "out", m.out, "directory for --to jsonl (one <topic>.jsonl file per topic)")
	fs.StringVar(&m.brokers, "brokers", m.brokers, "Kafka bootstrap brokers host:port,... (default $VOC_KAFKA_BROKERS, else a running 'voc local')")
	fs.Float64Var(&m.rate, "rate", m.rate, "messages per second; 0 = as fast as possible")
	fs.BoolVar(&m.follow, "follow", m.follow, "after the history, keep producing in real time until interrupted")
	fs.Float64Var(&cfg.MalformedRate, "malformed-rate", cfg.MalformedRate, "share of extra malformed messages (0..0.5), to exercise the dead-letter path")
	fs.BoolVar(&cfg.EmergingIssue, "emerging-issue", cfg.EmergingIssue, "plant the emerging issue: a firmware update breaks the remote of one TV model")
	fs.StringVar(&cfg.EmergingModel, "emerging-model", cfg.EmergingModel, "model hit by the emerging issue")
	fs.IntVar(&cfg.EmergingFromDay, "emerging-from-day", cfg.EmergingFromDay, "day (0-based) the emerging issue starts")
	fs.IntVar(&m.batchSize, "batch-size", m.batchSize, "Kafka producer batch size")
	clickhouseFlag(fs, &m.dsn)
	fs.StringVar(&m.enrich, "enrich", m.enrich, "text analytics for --to clickhouse: "+enrich.Choices)
}

func (m *generateMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	t, err := generate.ParseStart(m.start)
	if err != nil {
		return err
	}
	cfg := m.cfg
	cfg.Start = t
	// A bad configuration fails before any file or connection is opened.
	if err := cfg.Validate(); err != nil {
		return err
	}
	if m.to == "clickhouse" {
		return m.toClickHouse(ctx, env, cfg)
	}
	var sink generate.Sink
	switch m.to {
	case "jsonl":
		if m.out == "" {
			return errors.New("--to jsonl needs --out DIR")
		}
		s, err := generate.NewJSONLSink(m.out)
		if err != nil {
			return err
		}
		sink = s
	case "kafka":
		addrs, err := localenv.Brokers(m.brokers, env.Getenv)
		if err != nil {
			return err
		}
		if sink, err = generate.NewKafkaSink(addrs, m.batchSize); err != nil {
			return err
		}
		env.Log.Info("producing to kafka", "brokers", addrs)
	default:
		return fmt.Errorf("--to %q: want kafka, jsonl or clickhouse", m.to)
	}
	return m.generate(ctx, env, cfg, sink)
}

// toClickHouse writes the history straight into ClickHouse (migrated first).
func (m *generateMain) toClickHouse(ctx context.Context, env *Env, cfg generate.Config) error {
	enricher, err := enrich.New(m.enrich)
	if err != nil {
		return err
	}
	db, err := openClickHouse(ctx, env, m.dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	env.Log.Info("writing to clickhouse", "database", db.Database, "enrich", m.enrich)
	return m.generate(ctx, env, cfg, genload.NewSink(ctx, db, enricher, genload.Options{}))
}

func (m *generateMain) generate(ctx context.Context, env *Env, cfg generate.Config, sink generate.Sink) error {
	opt := generate.Options{Rate: m.rate, Follow: m.follow}
	if isTerminal(env.Stderr) {
		opt.Progress = progressPrinter(env.Stderr)
	}
	sum, err := generate.Run(ctx, cfg, sink, opt)
	if opt.Progress != nil {
		fmt.Fprint(env.Stderr, "\r\033[K")
	}
	if sum != nil {
		sum.Print(env.Stdout)
	}
	return err
}

// isTerminal reports whether w is a character device (progress goes only to terminals).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func progressPrinter(w io.Writer) func(generate.Progress) {
	began := time.Now()
	var last time.Time
	return func(p generate.Progress) {
		now := time.Now()
		if now.Sub(last) < 200*time.Millisecond {
			return
		}
		last = now
		fmt.Fprintf(w, "\r\033[Kday %d/%d  %d messages  %.0f/s", p.Day, p.Days, p.Events, float64(p.Events)/now.Sub(began).Seconds())
	}
}

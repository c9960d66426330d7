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
	"github.com/voc-analytics/voc/internal/localenv"
)

func init() {
	var (
		cfg       = generate.DefaultConfig()
		start     string
		to, out   string
		brokers   string
		rate      float64
		follow    bool
		batchSize int
	)
	register(&command{
		Name:    "generate",
		Summary: "generate realistic contacts, tickets, surveys and suggestions (to Kafka or JSONL files)",
		Usage:   "[flags]",
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&cfg.Days, "days", cfg.Days, "days of history")
			fs.IntVar(&cfg.ContactsPerDay, "contacts-per-day", cfg.ContactsPerDay, "average contacts (chats and calls) per day")
			fs.StringVar(&start, "start", cfg.Start.Format(time.DateOnly), "first day (YYYY-MM-DD, Asia/Shanghai)")
			fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed: the same seed and flags give byte-identical events")
			fs.StringVar(&to, "to", "kafka", "output: kafka or jsonl")
			fs.StringVar(&out, "out", "", "directory for --to jsonl (one <topic>.jsonl file per topic)")
			fs.StringVar(&brokers, "brokers", "", "Kafka bootstrap brokers host:port,... (default $VOC_KAFKA_BROKERS, else a running 'voc local')")
			fs.Float64Var(&rate, "rate", 0, "messages per second; 0 = as fast as possible")
			fs.BoolVar(&follow, "follow", false, "after the history, keep producing in real time until interrupted")
			fs.Float64Var(&cfg.MalformedRate, "malformed-rate", 0, "share of extra malformed messages (0..0.5), to exercise the dead-letter path")
			fs.BoolVar(&cfg.EmergingIssue, "emerging-issue", cfg.EmergingIssue, "plant the emerging issue: a firmware update breaks the remote of one TV model")
			fs.StringVar(&cfg.EmergingModel, "emerging-model", cfg.EmergingModel, "model hit by the emerging issue")
			fs.IntVar(&cfg.EmergingFromDay, "emerging-from-day", cfg.EmergingFromDay, "day (0-based) the emerging issue starts")
			fs.IntVar(&batchSize, "batch-size", 1000, "Kafka producer batch size")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unexpected arguments %q", args)
			}
			t, err := generate.ParseStart(start)
			if err != nil {
				return err
			}
			cfg.Start = t
			var sink generate.Sink
			switch to {
			case "jsonl":
				if out == "" {
					return errors.New("--to jsonl needs --out DIR")
				}
				s, err := generate.NewJSONLSink(out)
				if err != nil {
					return err
				}
				sink = s
			case "kafka":
				addrs, err := localenv.Brokers(brokers, env.Getenv)
				if err != nil {
					return err
				}
				sink = generate.NewKafkaSink(addrs, batchSize)
				env.Log.Info("producing to kafka", "brokers", addrs)
			default:
				return fmt.Errorf("--to %q: want kafka or jsonl", to)
			}
			opt := generate.Options{Rate: rate, Follow: follow}
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
		},
	})
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

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/voc-analytics/voc/internal/bench"
)

func init() {
	cfg := bench.IngestConfig{Events: 1_000_000, Partitions: 4, BatchSize: 10000, Enrich: "none"}
	var jsonOut bool
	register(&command{
		Name:    "bench ingest",
		Summary: "measure voc run's Kafka→ClickHouse rate and RSS against ClickHouse's own Kafka engine on the same events (embedded systems)",
		Usage:   "[--events N] [--partitions P] [--batch-size B] [--json]",
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&cfg.Events, "events", cfg.Events, "events to produce (approximate)")
			fs.IntVar(&cfg.Partitions, "partitions", cfg.Partitions, "partitions per topic")
			fs.IntVar(&cfg.BatchSize, "batch-size", cfg.BatchSize, "voc run --batch-size")
			fs.BoolVar(&jsonOut, "json", false, "print JSON")
			fs.StringVar(&cfg.Enrich, "enrich", cfg.Enrich, "voc run --enrich: none measures structured ingest (the target), full adds text analytics")
			fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a 15 s CPU profile of voc run to this file")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			cfg.VocBinary, cfg.Log = self, env.Log
			res, err := bench.Ingest(ctx, cfg)
			if err != nil {
				return err
			}
			if jsonOut {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			fmt.Fprintf(env.Stdout, "events %d (%.1f MB of JSON), produced in %.1f s\n", res.Events, float64(res.Bytes)/(1<<20), res.ProduceSecs)
			fmt.Fprintf(env.Stdout, "%-75s %10s %10s %8s %9s\n", "loader", "seconds", "events/s", "MB/s", "peak RSS")
			for _, r := range []bench.Rate{res.Voc, res.ClickHouseKafkaEngine} {
				rss := "-"
				if r.PeakRSSMB > 0 {
					rss = fmt.Sprintf("%.0f MB", r.PeakRSSMB)
				}
				fmt.Fprintf(env.Stdout, "%-75s %10.2f %10.0f %8.1f %9s\n", r.Name, r.Seconds, r.EventsPerSec, r.MBPerSec, rss)
			}
			fmt.Fprintf(env.Stdout, "voc / raw ceiling = %.0f%% (target >= 70%%)\n", 100*res.Ratio)
			return nil
		},
	})
}

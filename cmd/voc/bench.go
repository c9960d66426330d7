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
	register(&command{
		Name:    "bench ingest",
		Summary: "measure voc run's Kafka→ClickHouse rate and RSS against ClickHouse's own Kafka engine on the same events (embedded systems)",
		Usage:   "[--events N] [--partitions P] [--batch-size B] [--json]",
		New:     func() Invocation { return newBenchIngestMain() },
	})
}

// benchIngestMain is one run of `voc bench ingest`.
type benchIngestMain struct {
	cfg     bench.IngestConfig
	jsonOut bool
}

func newBenchIngestMain() *benchIngestMain {
	return &benchIngestMain{cfg: bench.DefaultIngestConfig()}
}

func (m *benchIngestMain) Flags(fs *flag.FlagSet) {
	fs.IntVar(&m.cfg.Events, "events", m.cfg.Events, "events to produce (approximate)")
	fs.IntVar(&m.cfg.Partitions, "partitions", m.cfg.Partitions, "partitions per topic")
	fs.IntVar(&m.cfg.BatchSize, "batch-size", m.cfg.BatchSize, "voc run --batch-size")
	fs.BoolVar(&m.jsonOut, "json", m.jsonOut, "print JSON")
	fs.StringVar(&m.cfg.Enrich, "enrich", m.cfg.Enrich, "voc run --enrich: none measures structured ingest (the target), full adds text analytics")
	fs.StringVar(&m.cfg.CPUProfile, "cpuprofile", m.cfg.CPUProfile, "write a 15 s CPU profile of voc run to this file")
}

func (m *benchIngestMain) Run(ctx context.Context, env *Env, args []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cfg := m.cfg
	cfg.VocBinary, cfg.Log = self, env.Log
	res, err := bench.Ingest(ctx, cfg)
	if err != nil {
		return err
	}
	if m.jsonOut {
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
}

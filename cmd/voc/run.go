package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

type runFlags struct {
	dsn, brokers, group, httpAddr, logFormat, enrich string
	cfg                                              pipeline.RunnerConfig
	noMigrate                                        bool
}

func init() {
	f := runFlags{cfg: pipeline.DefaultRunnerConfig()}
	register(&command{
		Name:    "run",
		Summary: "consume the four Kafka topics, validate, enrich and write them to ClickHouse (at-least-once, idempotent)",
		Usage:   "[flags]",
		Flags: func(fs *flag.FlagSet) {
			clickhouseFlag(fs, &f.dsn)
			fs.StringVar(&f.brokers, "brokers", "", "Kafka bootstrap brokers host:port,... (default $VOC_KAFKA_BROKERS, else a running 'voc local')")
			fs.StringVar(&f.group, "group", "voc", "Kafka consumer group; processes sharing it split the partitions")
			fs.IntVar(&f.cfg.BatchSize, "batch-size", f.cfg.BatchSize, "flush after this many messages")
			fs.DurationVar(&f.cfg.FlushInterval, "flush-interval", f.cfg.FlushInterval, "flush when the oldest buffered message is this old")
			fs.DurationVar(&f.cfg.ShutdownTimeout, "shutdown-timeout", f.cfg.ShutdownTimeout, "bound on the final flush after SIGTERM/SIGINT")
			fs.IntVar(&f.cfg.Limits.MaxTextBytes, "max-text-bytes", f.cfg.Limits.MaxTextBytes, "longest accepted free-text field; longer events are rejected")
			fs.DurationVar(&f.cfg.Limits.MaxFuture, "max-future", f.cfg.Limits.MaxFuture, "reject events whose occurred_at is further in the future")
			fs.DurationVar(&f.cfg.Limits.MaxPast, "max-past", f.cfg.Limits.MaxPast, "reject events whose occurred_at is further in the past")
			fs.StringVar(&f.httpAddr, "http-addr", "127.0.0.1:9108", "serve /metrics, /healthz and /readyz here (empty disables)")
			fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
			fs.StringVar(&f.enrich, "enrich", defaultEnrich, "text enrichment: "+enrichChoices)
			fs.BoolVar(&f.noMigrate, "no-migrate", false, "do not apply schema migrations at start")
		},
		Run: func(ctx context.Context, env *Env, args []string) error { return runIngest(ctx, env, f) },
	})
}

func runIngest(ctx context.Context, env *Env, f runFlags) error {
	log := env.Log
	if f.logFormat == "json" || f.logFormat == "text" {
		log = newLogger(env.Stderr, f.logFormat, logLevel(env.Getenv))
	} else {
		return fmt.Errorf("--log-format %q: use text or json", f.logFormat)
	}
	if err := f.cfg.Validate(); err != nil {
		return err
	}
	brokers, err := localenv.Brokers(f.brokers, env.Getenv)
	if err != nil {
		return err
	}
	enricher, err := newEnricher(f.enrich)
	if err != nil {
		return err
	}
	return withClickHouse(ctx, env, f.dsn, func(opts *clickhouse.Options) error {
		if !f.noMigrate {
			if _, err := applyMigrations(ctx, env, opts); err != nil {
				return err
			}
		}
		opts.MaxOpenConns = 8
		conn, err := clickhouse.Open(opts)
		if err != nil {
			return fmt.Errorf("connect to ClickHouse %v: %w", opts.Addr, err)
		}
		defer conn.Close()

		src, err := kafkasrc.NewSource(kafkasrc.SourceConfig{Brokers: brokers, GroupID: f.group})
		if err != nil {
			return err
		}
		defer src.Close()
		dlq := kafkasrc.NewDeadLetters(brokers, pipeline.TopicDLQ)
		defer dlq.Close()

		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		runner, err := pipeline.NewRunner(f.cfg, src, chsink.NewSink(conn), dlq, enricher, pipeline.NewMetrics(reg), log)
		if err != nil {
			return err
		}
		if f.httpAddr != "" {
			stop, err := serveOps(f.httpAddr, reg, func(ctx context.Context) error {
				if !runner.Ready() {
					return errors.New("runner is retrying a failed write")
				}
				return conn.Ping(ctx)
			}, log)
			if err != nil {
				return err
			}
			defer stop()
		}
		log.Info("voc run consuming", "brokers", brokers, "group", f.group, "topics", pipeline.InputTopics,
			"clickhouse", opts.Addr, "database", opts.Auth.Database, "batch_size", f.cfg.BatchSize, "flush_interval", f.cfg.FlushInterval, "enrich", f.enrich)
		return runner.Run(ctx)
	})
}

// serveOps serves Prometheus metrics and health endpoints until stop.
func serveOps(addr string, reg *prometheus.Registry, ready func(context.Context) error, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--http-addr %s: %w (pass another address, or empty to disable)", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	log.Info("serving metrics", "addr", "http://"+l.Addr().String()+"/metrics")
	return func() { srv.Close() }, nil
}

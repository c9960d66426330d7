package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/opsserver"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func init() {
	register(&command{
		Name:    "run",
		Summary: "consume the four Kafka topics, validate, enrich and write them to ClickHouse (at-least-once, idempotent)",
		Usage:   "[flags]",
		New:     func() Invocation { return newRunMain() },
	})
}

// runMain is one run of `voc run`; `voc demo` builds one too and sets its
// fields instead of parsing flags.
type runMain struct {
	dsn, brokers, group, httpAddr, logFormat, enrich string
	cfg                                              pipeline.RunnerConfig
	noMigrate                                        bool
	stallAfter, groupInterval                        time.Duration
}

func newRunMain() *runMain {
	return &runMain{cfg: pipeline.DefaultRunnerConfig(), group: "voc", httpAddr: "127.0.0.1:9108", logFormat: "text", enrich: defaultEnrich,
		stallAfter: 2 * time.Minute, groupInterval: 10 * time.Second}
}

func (m *runMain) Flags(fs *flag.FlagSet) {
	clickhouseFlag(fs, &m.dsn)
	fs.StringVar(&m.brokers, "brokers", m.brokers, "Kafka bootstrap brokers host:port,... (default $VOC_KAFKA_BROKERS, else a running 'voc local')")
	fs.StringVar(&m.group, "group", m.group, "Kafka consumer group; processes sharing it split the partitions")
	fs.IntVar(&m.cfg.BatchSize, "batch-size", m.cfg.BatchSize, "flush after this many messages")
	fs.DurationVar(&m.cfg.FlushInterval, "flush-interval", m.cfg.FlushInterval, "flush when the oldest buffered message is this old")
	fs.DurationVar(&m.cfg.ShutdownTimeout, "shutdown-timeout", m.cfg.ShutdownTimeout, "bound on the final flush after SIGTERM/SIGINT")
	fs.IntVar(&m.cfg.Limits.MaxTextBytes, "max-text-bytes", m.cfg.Limits.MaxTextBytes, "longest accepted free-text field; longer events are rejected")
	fs.DurationVar(&m.cfg.Limits.MaxFuture, "max-future", m.cfg.Limits.MaxFuture, "reject events whose occurred_at is further in the future")
	fs.DurationVar(&m.cfg.Limits.MaxPast, "max-past", m.cfg.Limits.MaxPast, "reject events whose occurred_at is further in the past")
	fs.StringVar(&m.httpAddr, "http-addr", m.httpAddr, "serve /metrics, /healthz and /readyz here (empty disables)")
	fs.StringVar(&m.logFormat, "log-format", m.logFormat, "log format: text or json")
	fs.StringVar(&m.enrich, "enrich", m.enrich, "text enrichment: "+enrichChoices)
	fs.BoolVar(&m.noMigrate, "no-migrate", m.noMigrate, "do not apply schema migrations at start")
	fs.DurationVar(&m.stallAfter, "stall-after", m.stallAfter, "a partition of the group with lag whose committed offset has not moved for this long is stalled: logged, and /readyz fails")
	fs.DurationVar(&m.groupInterval, "group-interval", m.groupInterval, "how often to look at the whole consumer group (lag of every partition, members)")
}

func (m *runMain) Run(ctx context.Context, env *Env, args []string) error {
	log := env.Log
	if m.logFormat == "json" || m.logFormat == "text" {
		log = newLogger(env.Stderr, m.logFormat, logLevel(env.Getenv))
	} else {
		return fmt.Errorf("--log-format %q: use text or json", m.logFormat)
	}
	if err := m.cfg.Validate(); err != nil {
		return err
	}
	brokers, err := localenv.Brokers(m.brokers, env.Getenv)
	if err != nil {
		return err
	}
	enricher, err := newEnricher(m.enrich)
	if err != nil {
		return err
	}
	db, err := openClickHouseWaiting(ctx, localenv.ClickHouseConfig{DSN: m.dsn, Migrate: !m.noMigrate, MaxOpenConns: 8, Getenv: env.Getenv, Log: env.Log}, log)
	if err != nil {
		return err
	}
	defer db.Close()
	src, err := kafkasrc.NewSource(kafkasrc.SourceConfig{Brokers: brokers, GroupID: m.group})
	if err != nil {
		return err
	}
	defer src.Close()
	dlq, err := kafkasrc.NewDeadLetters(brokers, pipeline.TopicDLQ)
	if err != nil {
		return err
	}
	defer dlq.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	monitor, err := kafkasrc.NewGroupMonitor(kafkasrc.MonitorConfig{Brokers: brokers, GroupID: m.group, ClientID: src.ClientID(),
		Interval: m.groupInterval, StallAfter: m.stallAfter}, reg, log)
	if err != nil {
		return err
	}
	defer monitor.Close()
	monitorCtx, stopMonitor := context.WithCancel(ctx)
	monitorDone := make(chan struct{})
	go func() { defer close(monitorDone); monitor.Run(monitorCtx) }()
	defer func() { stopMonitor(); <-monitorDone }()
	runner, err := pipeline.NewRunner(m.cfg, src, chsink.NewSink(db), dlq, enricher, pipeline.NewMetrics(reg), log)
	if err != nil {
		return err
	}
	if m.httpAddr != "" {
		ops, err := opsserver.Start(opsserver.Config{Addr: m.httpAddr, Registry: reg, Log: log, Ready: []opsserver.Check{
			{Name: "runner", Check: func(context.Context) error {
				if !runner.Ready() {
					return errors.New("retrying a failed write")
				}
				return nil
			}},
			{Name: "clickhouse", Check: db.Ping},
			{Name: "consumer group", Check: monitor.Ready},
		}})
		if err != nil {
			return err
		}
		defer ops.Close()
	}
	log.Info("voc run consuming", "brokers", brokers, "group", m.group, "topics", pipeline.InputTopics,
		"clickhouse", db.Options.Addr, "database", db.Database, "batch_size", m.cfg.BatchSize, "flush_interval", m.cfg.FlushInterval, "enrich", m.enrich)
	return runner.Run(ctx)
}

// openClickHouseWaiting opens ClickHouse and, while the server cannot be
// reached (refused, reset, closed, timed out: restarting, or not up yet),
// retries with backoff until ctx ends, as the runner does for writes. A
// long-running consumer started beside its database must not exit because
// it came up a second early. Other errors (address, credentials, version,
// missing database) fail at once.
func openClickHouseWaiting(ctx context.Context, cfg localenv.ClickHouseConfig, log *slog.Logger) (*localenv.ClickHouse, error) {
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		db, err := localenv.OpenClickHouse(ctx, cfg)
		if err == nil || !unreachable(err) || ctx.Err() != nil {
			return db, err
		}
		log.Warn("ClickHouse not reachable yet; retrying", "attempt", attempt, "retry_in", backoff, "err", err)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped while waiting for ClickHouse: %w", err)
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// unreachable reports a connection-level failure worth retrying.
func unreachable(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &ne) && ne.Timeout())
}

// Package bench measures voc end to end against the embedded systems.
//
// Ingest produces the same events into Kafka once, then measures, in one run
// on one machine, (a) voc's own pipeline (`voc run` as a child process,
// Kafka → decode/validate → ClickHouse) and (b) ClickHouse's Kafka table
// engine with a materialized view into a plain MergeTree table, the raw
// ceiling for loading the same topics.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/kafkalocal"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

// IngestConfig configures the ingest benchmark.
type IngestConfig struct {
	Events     int    // approximate number of events to produce
	Partitions int    // partitions per topic
	BatchSize  int    // voc run --batch-size
	CPUProfile string // if set, a 15 s CPU profile of voc run is written here
	Enrich     string // voc run --enrich: none (structured ingest) or full
	VocBinary  string // the voc executable to run as `voc run`
	Log        *slog.Logger
}

// DefaultIngestConfig: a million events on 4 partitions, voc run with
// batches of 10000 and no text analytics.
func DefaultIngestConfig() IngestConfig {
	return IngestConfig{Events: 1_000_000, Partitions: 4, BatchSize: 10000, Enrich: "none"}
}

// Rate is one measured loader.
type Rate struct {
	Name         string  `json:"name"`
	Events       int     `json:"events"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_s"`
	MBPerSec     float64 `json:"mb_per_s"`
	PeakRSSMB    float64 `json:"peak_rss_mb,omitempty"`
}

// IngestResult holds both measurements side by side.
type IngestResult struct {
	Events                int     `json:"events"`
	Bytes                 int64   `json:"bytes"`
	ProduceSecs           float64 `json:"produce_seconds"`
	Voc                   Rate    `json:"voc"`
	ClickHouseKafkaEngine Rate    `json:"clickhouse_kafka_engine"`
	Ratio                 float64 `json:"voc_to_raw_ratio"`
}

// Ingest runs the benchmark on fresh embedded ClickHouse and Kafka.
func Ingest(ctx context.Context, cfg IngestConfig) (*IngestResult, error) {
	log := cfg.Log
	dir, err := os.MkdirTemp("", "voc-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, err := chlocal.Start(ctx, chlocal.Config{DataDir: dir, Log: log})
	if err != nil {
		return nil, err
	}
	defer srv.Stop(context.Background())
	topics := append(append([]string{}, pipeline.InputTopics...), pipeline.TopicDLQ)
	kb, err := kafkalocal.Start(kafkalocal.Config{Partitions: cfg.Partitions, Topics: topics, Log: log})
	if err != nil {
		return nil, err
	}
	defer kb.Close()
	conn, err := chsink.Open(ctx, chsink.Config{Options: &clickhouse.Options{Addr: []string{srv.TCPAddr}, Auth: clickhouse.Auth{Database: "voc", Username: srv.Writer.User, Password: srv.Writer.Password}}, Migrate: true})
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	// 1. Produce once.
	set := testevents.Build(max(1, cfg.Events/21))
	msgs := testevents.Messages(set.Events)
	res := &IngestResult{Events: len(msgs)}
	for _, m := range msgs {
		res.Bytes += int64(len(m.Value))
	}
	log.Info("producing", "events", len(msgs), "mb", res.Bytes>>20)
	t0 := time.Now()
	if err := produce(ctx, kb.Addr, msgs); err != nil {
		return nil, err
	}
	res.ProduceSecs = time.Since(t0).Seconds()

	// 2. voc run as a child process.
	log.Info("measuring voc run")
	res.Voc, err = measureVoc(ctx, cfg, srv, kb.Addr, conn, len(msgs))
	if err != nil {
		return nil, err
	}
	res.Voc.MBPerSec = float64(res.Bytes) / (1 << 20) / res.Voc.Seconds

	// 3. ClickHouse's Kafka engine + materialized view into a plain table.
	log.Info("measuring ClickHouse Kafka engine")
	res.ClickHouseKafkaEngine, err = measureKafkaEngine(ctx, conn, kb.Addr, cfg.Partitions, len(msgs))
	if err != nil {
		return nil, err
	}
	res.ClickHouseKafkaEngine.MBPerSec = float64(res.Bytes) / (1 << 20) / res.ClickHouseKafkaEngine.Seconds
	res.Ratio = res.Voc.EventsPerSec / res.ClickHouseKafkaEngine.EventsPerSec
	return res, nil
}

func produce(ctx context.Context, addr string, msgs []kafkago.Message) error {
	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{addr}, BatchSize: 5000, BatchBytes: 8 << 20, BatchTimeout: 10 * time.Millisecond})
	if err != nil {
		return err
	}
	defer w.Close()
	const chunk = 50000
	for i := 0; i < len(msgs); i += chunk {
		if err := w.WriteMessages(ctx, msgs[i:min(i+chunk, len(msgs))]...); err != nil {
			return fmt.Errorf("produce benchmark events: %w", err)
		}
	}
	return nil
}

// vocRows counts every message voc has handled: event rows plus rejects.
var vocRows = chsink.CountQuery(chsink.Tables, false)

func measureVoc(ctx context.Context, cfg IngestConfig, srv *chlocal.Server, broker string, conn driver.Conn, n int) (Rate, error) {
	cmd := exec.CommandContext(ctx, cfg.VocBinary, "run", "--clickhouse", srv.DSN("voc"), "--brokers", broker, "--group", "bench-voc",
		"--no-migrate", "--http-addr", "127.0.0.1:19108", "--batch-size", strconv.Itoa(cfg.BatchSize), "--log-format", "json", "--enrich", cfg.Enrich)
	cmd.Env = append(os.Environ(), "VOC_CLICKHOUSE_PASSWORD_FILE="+srv.Writer.PasswordFile)
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return Rate{}, fmt.Errorf("start voc run: %w", err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if cfg.CPUProfile != "" {
		go func() {
			time.Sleep(3 * time.Second)
			out, err := exec.Command("curl", "-s", "-o", cfg.CPUProfile, "http://127.0.0.1:19108/debug/pprof/profile?seconds=15").CombinedOutput()
			if err != nil {
				cfg.Log.Warn("cpu profile failed", "err", err, "out", string(out))
			}
		}()
	}
	if err := waitForRows(ctx, conn, vocRows, n, t0, "voc run"); err != nil {
		return Rate{}, err
	}
	elapsed := time.Since(t0)
	rss := peakRSSMB(cmd.Process.Pid)
	var rejects uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM voc.rejects").Scan(&rejects); err != nil {
		return Rate{}, err
	}
	if rejects > 0 {
		return Rate{}, fmt.Errorf("voc rejected %d of the benchmark's %d events; the benchmark needs valid events", rejects, n)
	}
	return Rate{Name: "voc run --enrich " + cfg.Enrich + " (Kafka → validate → ClickHouse, incl. group join)", Events: n, Seconds: elapsed.Seconds(),
		EventsPerSec: float64(n) / elapsed.Seconds(), PeakRSSMB: rss}, nil
}

func measureKafkaEngine(ctx context.Context, conn driver.Conn, broker string, partitions, n int) (Rate, error) {
	cols := "event_id String, type String, version UInt8, occurred_at String, contact_id String, ticket_id String, survey_id String, post_id String, text String, comment String, title String"
	stmts := []string{
		"CREATE DATABASE IF NOT EXISTS raw",
		"CREATE TABLE raw.events (" + cols + ") ENGINE = MergeTree ORDER BY tuple()",
		fmt.Sprintf("CREATE TABLE raw.queue (%s) ENGINE = Kafka SETTINGS kafka_broker_list = '%s', kafka_topic_list = '%s', kafka_group_name = 'bench-raw', kafka_format = 'JSONEachRow', kafka_num_consumers = %d, kafka_thread_per_consumer = 1, kafka_max_block_size = 262144, kafka_poll_max_batch_size = 262144, kafka_flush_interval_ms = 250",
			cols, broker, strings.Join(pipeline.InputTopics, ","), min(partitions, 2)),
	}
	for _, s := range stmts {
		if err := conn.Exec(ctx, s); err != nil {
			return Rate{}, fmt.Errorf("%s: %w", s, err)
		}
	}
	t0 := time.Now()
	if err := conn.Exec(ctx, "CREATE MATERIALIZED VIEW raw.mv TO raw.events AS SELECT * FROM raw.queue"); err != nil {
		return Rate{}, err
	}
	defer conn.Exec(context.Background(), "DROP TABLE IF EXISTS raw.mv")
	if err := waitForRows(ctx, conn, "SELECT count() FROM raw.events", n, t0, "the Kafka engine"); err != nil {
		return Rate{}, err
	}
	elapsed := time.Since(t0)
	return Rate{Name: "ClickHouse Kafka engine + MV into MergeTree (raw ceiling)", Events: n, Seconds: elapsed.Seconds(), EventsPerSec: float64(n) / elapsed.Seconds()}, nil
}

// waitForRows polls countQuery every 50 ms until it reaches n rows; who
// loaded them names the loader in the error after 30 minutes from t0.
func waitForRows(ctx context.Context, conn driver.Conn, countQuery string, n int, t0 time.Time, who string) error {
	for {
		var got uint64
		if err := conn.QueryRow(ctx, countQuery).Scan(&got); err != nil {
			return err
		}
		if int(got) >= n {
			return nil
		}
		if time.Since(t0) > 30*time.Minute {
			return fmt.Errorf("%s loaded %d of %d events in 30 minutes", who, got, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// peakRSSMB reads VmHWM (peak resident set) of pid.
func peakRSSMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

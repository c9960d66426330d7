package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/kafkalocal"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/pipeline"
)

// localFlags configure the embedded services of `voc local` and `voc demo`.
type localFlags struct {
	dataDir                     string
	chPort, httpPort, kafkaPort int
	partitions                  int
	jsonOut, kafkaMemory        bool
}

func defaultLocalFlags() localFlags {
	return localFlags{chPort: 19000, httpPort: 18123, kafkaPort: 19092, partitions: 4}
}

func init() {
	register(&command{
		Name:    "local",
		Summary: "run embedded ClickHouse 26.7 and a Kafka-protocol broker on loopback, migrated and with voc's topics, until interrupted",
		Usage:   "[flags]",
		New:     func() Invocation { return &localMain{f: defaultLocalFlags()} },
	})
}

// localMain is one run of `voc local`.
type localMain struct{ f localFlags }

func (m *localMain) Flags(fs *flag.FlagSet) {
	f := &m.f
	fs.StringVar(&f.dataDir, "data-dir", f.dataDir, "data directory (default $VOC_DATA_DIR, else ~/.local/share/voc)")
	fs.IntVar(&f.chPort, "clickhouse-port", f.chPort, "ClickHouse native protocol port (0 = pick a free port)")
	fs.IntVar(&f.httpPort, "http-port", f.httpPort, "ClickHouse HTTP port (0 = pick a free port)")
	fs.IntVar(&f.kafkaPort, "kafka-port", f.kafkaPort, "Kafka bootstrap port (0 = pick a free port)")
	fs.IntVar(&f.partitions, "partitions", f.partitions, "partitions per topic")
	fs.BoolVar(&f.jsonOut, "json", f.jsonOut, "print the addresses as JSON")
	fs.BoolVar(&f.kafkaMemory, "kafka-memory", f.kafkaMemory, "keep Kafka in memory only (default: persist under DATA_DIR/kafka)")
}

func (m *localMain) Run(ctx context.Context, env *Env, args []string) error {
	return runLocal(ctx, env, m.f)
}

// localServices are the embedded ClickHouse and Kafka of `voc local` and `voc demo`.
type localServices struct {
	ch    *chlocal.Server
	kafka *kafkalocal.Broker
	state localenv.State
	dir   string // Kafka data dir, "" when in memory
}

func (l *localServices) Close() {
	l.kafka.Close()
	l.ch.Stop(context.Background())
}

// startLocal starts ClickHouse (migrated) and Kafka (with voc's topics).
func startLocal(ctx context.Context, env *Env, f localFlags) (*localServices, error) {
	if f.dataDir == "" {
		f.dataDir = defaultDataDir(env.Getenv)
	}
	dataDir, err := filepath.Abs(f.dataDir)
	if err != nil {
		return nil, err
	}
	ch, err := chlocal.Start(ctx, chlocal.Config{
		DataDir: filepath.Join(dataDir, "clickhouse"), TCPPort: f.chPort, HTTPPort: f.httpPort, Log: env.Log, Getenv: env.Getenv,
	})
	if err != nil {
		return nil, err
	}
	opts, err := localenv.ClickHouseOptions(ch.DSN("voc"), env.Getenv)
	if err == nil {
		_, err = applyMigrations(ctx, env, opts)
	}
	if err != nil {
		ch.Stop(context.Background())
		return nil, err
	}
	topics := append(append([]string{}, pipeline.InputTopics...), pipeline.TopicDLQ)
	kafkaDir := filepath.Join(dataDir, "kafka")
	if f.kafkaMemory {
		kafkaDir = ""
	}
	kb, err := kafkalocal.Start(kafkalocal.Config{Port: f.kafkaPort, Partitions: f.partitions, Topics: topics, DataDir: kafkaDir, Log: env.Log})
	if err != nil {
		ch.Stop(context.Background())
		return nil, err
	}
	return &localServices{ch: ch, kafka: kb, dir: kafkaDir, state: localenv.State{
		PID: os.Getpid(), ClickHouse: ch.TCPAddr, ClickHouseHTTP: ch.HTTPAddr, ClickHouseDSN: ch.DSN("voc"),
		Database: "voc", Kafka: kb.Addr, Topics: topics, DataDir: dataDir, StartedAt: time.Now().UTC().Format(time.RFC3339),
	}}, nil
}

func runLocal(ctx context.Context, env *Env, f localFlags) error {
	t0 := time.Now()
	svc, err := startLocal(ctx, env, f)
	if err != nil {
		return err
	}
	defer svc.Close()
	state := svc.state
	statePath := localenv.StatePath(env.Getenv)
	if err := localenv.WriteState(statePath, state); err != nil {
		return err
	}
	defer os.Remove(statePath)
	env.Log.Info("voc local ready", "startup_ms", time.Since(t0).Milliseconds(), "state_file", statePath)

	if f.jsonOut {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(state); err != nil {
			return err
		}
	} else {
		printLocal(env, svc, f.partitions)
	}
	select {
	case <-ctx.Done():
		env.Log.Info("voc local stopping")
	case <-svc.ch.Exited():
		return fmt.Errorf("embedded ClickHouse stopped and could not be restarted; see %s", svc.ch.LogPath)
	}
	return nil
}

func printLocal(env *Env, svc *localServices, partitions int) {
	st := svc.state
	persist := "persisted under " + svc.dir
	if svc.dir == "" {
		persist = "in memory only: lost on stop"
	}
	fmt.Fprintf(env.Stdout, `embedded services are running (stop with Ctrl-C or SIGTERM)
  ClickHouse native  %s   DSN %s
  ClickHouse HTTP    http://%s
  Kafka bootstrap    %s   (embedded kfake broker, %s)
  Topics             %s (%d partitions each)
  Data dir           %s
Other voc commands find these automatically; or export
  VOC_CLICKHOUSE_DSN=%s VOC_KAFKA_BROKERS=%s
`, st.ClickHouse, st.ClickHouseDSN, st.ClickHouseHTTP, st.Kafka, persist, strings.Join(st.Topics, " "), partitions, st.DataDir, st.ClickHouseDSN, st.Kafka)
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/voc-analytics/voc/internal/localenv"
)

func init() {
	register(&command{
		Name:    "local",
		Summary: "run embedded ClickHouse 26.7 and a Kafka-protocol broker on loopback, migrated and with voc's topics, until interrupted",
		Usage:   "[flags]",
		New:     func() Invocation { return &localMain{cfg: defaultLocalConfig()} },
	})
}

// defaultLocalConfig: the fixed ports `voc local` and `voc demo` publish.
func defaultLocalConfig() localenv.Config {
	return localenv.Config{ClickHousePort: 19000, HTTPPort: 18123, KafkaPort: 19092, Partitions: 4}
}

// localMain is one run of `voc local`.
type localMain struct {
	cfg     localenv.Config
	jsonOut bool
}

func (m *localMain) Flags(fs *flag.FlagSet) {
	c := &m.cfg
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "data directory (default $VOC_DATA_DIR, else ~/.local/share/voc)")
	fs.IntVar(&c.ClickHousePort, "clickhouse-port", c.ClickHousePort, "ClickHouse native protocol port (0 = pick a free port)")
	fs.IntVar(&c.HTTPPort, "http-port", c.HTTPPort, "ClickHouse HTTP port (0 = pick a free port)")
	fs.IntVar(&c.KafkaPort, "kafka-port", c.KafkaPort, "Kafka bootstrap port (0 = pick a free port)")
	fs.IntVar(&c.Partitions, "partitions", c.Partitions, "partitions per topic")
	fs.BoolVar(&m.jsonOut, "json", m.jsonOut, "print the addresses as JSON")
	fs.BoolVar(&c.KafkaInMemory, "kafka-memory", c.KafkaInMemory, "keep Kafka in memory only (default: persist under DATA_DIR/kafka)")
}

func (m *localMain) Run(ctx context.Context, env *Env, args []string) error {
	t0 := time.Now()
	cfg := m.cfg
	cfg.Getenv, cfg.Log = env.Getenv, env.Log
	svc, err := localenv.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	statePath, err := svc.Publish(env.Getenv)
	if err != nil {
		return err
	}
	env.Log.Info("voc local ready", "startup_ms", time.Since(t0).Milliseconds(), "state_file", statePath)

	if m.jsonOut {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(svc.State); err != nil {
			return err
		}
	} else {
		printLocal(env, svc, cfg.Partitions)
	}
	select {
	case <-ctx.Done():
		env.Log.Info("voc local stopping")
	case <-svc.ClickHouse.Exited():
		return fmt.Errorf("embedded ClickHouse stopped and could not be restarted; see %s", svc.ClickHouse.LogPath)
	}
	return nil
}

func printLocal(env *Env, svc *localenv.Services, partitions int) {
	st := svc.State
	persist := "persisted under " + svc.KafkaDir
	if svc.KafkaDir == "" {
		persist = "in memory only: lost on stop"
	}
	w, a := st.Users[localenv.RoleWriter], st.Users[localenv.RoleAnalyst]
	fmt.Fprintf(env.Stdout, `embedded services are running (stop with Ctrl-C or SIGTERM)
  ClickHouse native  %s
  ClickHouse HTTP    http://%s
  Kafka bootstrap    %s   (embedded kfake broker, %s)
  Topics             %s (%d partitions each)
  Data dir           %s
ClickHouse users (passwords in 0600 files, generated on the first start):
  writer   %-8s DSN %s   password file %s
  analyst  %-8s DSN %s   password file %s   (read-only, with limits)
Other voc commands find these automatically; or export
  VOC_CLICKHOUSE_DSN=%s VOC_CLICKHOUSE_PASSWORD_FILE=%s VOC_KAFKA_BROKERS=%s
Query as the analyst:
  curl -u %s:"$(cat %s)" '%s' --data-binary 'SELECT channel, count() FROM contacts GROUP BY channel'
`, st.ClickHouse, st.ClickHouseHTTP, st.Kafka, persist, strings.Join(st.Topics, " "), partitions, st.DataDir,
		w.User, w.DSN, w.PasswordFile, a.User, a.DSN, a.PasswordFile,
		w.DSN, w.PasswordFile, st.Kafka, a.User, a.PasswordFile, a.HTTP)
}

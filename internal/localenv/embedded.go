package localenv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/chusers"
	"github.com/voc-analytics/voc/internal/kafkalocal"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// EnvDataDir names the directory of the embedded services' data.
const EnvDataDir = "VOC_DATA_DIR"

// DataDir is where the embedded services keep their data: $VOC_DATA_DIR,
// else $XDG_DATA_HOME/voc, else ~/.local/share/voc.
func DataDir(getenv func(string) string) string {
	if d := getenv(EnvDataDir); d != "" {
		return d
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "voc")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "voc")
	}
	return ".voc-data"
}

// ClickHouseConfig says which ClickHouse a command uses and how.
type ClickHouseConfig struct {
	// DSN is the --clickhouse flag. Empty: $VOC_CLICKHOUSE_DSN, else a
	// running `voc local`, else an embedded server started on
	// DataDir/clickhouse for as long as the database is open.
	DSN          string
	Migrate      bool // apply the schema migrations first
	MaxOpenConns int  // connection pool size; 0 keeps the driver's default
	Getenv       func(string) string
	Log          *slog.Logger
}

// ClickHouse is an open voc database. Close also stops the embedded server
// started for it, if any.
type ClickHouse struct {
	*chsink.DB
	embedded *chlocal.Server
}

// Close closes the connections and stops an embedded server started by
// OpenClickHouse.
func (c *ClickHouse) Close() error {
	err := c.DB.Close()
	if c.embedded != nil {
		err = errors.Join(err, c.embedded.Stop(context.Background()))
	}
	return err
}

// OpenClickHouse finds ClickHouse as ClickHouseConfig.DSN says, starting
// the embedded server when nothing is configured, and opens the database
// (version check, migrations on request, pool size).
func OpenClickHouse(ctx context.Context, cfg ClickHouseConfig) (*ClickHouse, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dsn, err := ClickHouseDSN(cfg.DSN, cfg.Getenv)
	var embedded *chlocal.Server
	if errors.Is(err, ErrNotFound) {
		dataDir := filepath.Join(DataDir(cfg.Getenv), "clickhouse")
		log.Info("no ClickHouse configured: starting the embedded one", "data_dir", dataDir)
		if embedded, err = chlocal.Start(ctx, chlocal.Config{DataDir: dataDir, Log: log, Getenv: cfg.Getenv}); err != nil {
			return nil, err
		}
		dsn = embedded.DSN("voc")
	} else if err != nil {
		return nil, err
	}
	password := ""
	if embedded != nil {
		password = embedded.Writer.Password
	}
	db, err := openDSN(ctx, dsn, password, cfg)
	if err != nil {
		if embedded != nil {
			embedded.Stop(context.Background())
		}
		return nil, err
	}
	return &ClickHouse{DB: db, embedded: embedded}, nil
}

// openDSN opens dsn; password, when set, is that of an embedded server
// this process started (no state file names it yet).
func openDSN(ctx context.Context, dsn, password string, cfg ClickHouseConfig) (*chsink.DB, error) {
	opts, err := ClickHouseOptions(dsn, cfg.Getenv)
	if err != nil {
		return nil, err
	}
	if password != "" {
		opts.Auth.Password = password
	}
	return chsink.Open(ctx, chsink.Config{Options: opts, Migrate: cfg.Migrate, MaxOpenConns: cfg.MaxOpenConns, Log: cfg.Log})
}

// Config configures the embedded services of `voc local` and `voc demo`.
type Config struct {
	DataDir        string // default DataDir(Getenv)
	ClickHousePort int    // native protocol; 0 picks a free port
	HTTPPort       int    // ClickHouse HTTP; 0 picks a free port
	KafkaPort      int    // 0 picks a free port
	Partitions     int    // per topic
	KafkaInMemory  bool   // else Kafka persists under DataDir/kafka
	Getenv         func(string) string
	Log            *slog.Logger
}

// Services are a running embedded ClickHouse (migrated) and Kafka broker
// (with voc's topics).
type Services struct {
	ClickHouse *chlocal.Server
	Kafka      *kafkalocal.Broker
	State      State
	KafkaDir   string // "" when Kafka is in memory only
	statePath  string
}

// Start starts ClickHouse, applies the migrations, and starts Kafka with
// the input and dead-letter topics.
func Start(ctx context.Context, cfg Config) (*Services, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DataDir(cfg.Getenv)
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ch, err := chlocal.Start(ctx, chlocal.Config{
		DataDir: filepath.Join(dataDir, "clickhouse"), TCPPort: cfg.ClickHousePort, HTTPPort: cfg.HTTPPort, Log: cfg.Log, Getenv: cfg.Getenv,
	})
	if err != nil {
		return nil, err
	}
	db, err := openDSN(ctx, ch.DSN("voc"), ch.Writer.Password, ClickHouseConfig{Migrate: true, Getenv: cfg.Getenv, Log: cfg.Log})
	if err != nil {
		ch.Stop(context.Background())
		return nil, err
	}
	db.Close()
	topics := append(append([]string{}, pipeline.InputTopics...), pipeline.TopicDLQ)
	kafkaDir := filepath.Join(dataDir, "kafka")
	if cfg.KafkaInMemory {
		kafkaDir = ""
	}
	kb, err := kafkalocal.Start(kafkalocal.Config{Port: cfg.KafkaPort, Partitions: cfg.Partitions, Topics: topics, DataDir: kafkaDir, Log: cfg.Log})
	if err != nil {
		ch.Stop(context.Background())
		return nil, err
	}
	return &Services{ClickHouse: ch, Kafka: kb, KafkaDir: kafkaDir, State: State{
		PID: os.Getpid(), ClickHouse: ch.TCPAddr, ClickHouseHTTP: ch.HTTPAddr, ClickHouseDSN: ch.DSN("voc"),
		Database: "voc", Kafka: kb.Addr, Topics: topics, DataDir: dataDir, StartedAt: time.Now().UTC().Format(time.RFC3339),
		Users: map[string]Login{
			RoleWriter:  login(ch, ch.Writer, ch.DSN("voc")),
			RoleAnalyst: login(ch, ch.Analyst, ch.AnalystDSN("voc")),
		},
	}}, nil
}

// login says how to connect to ch as l, without the password.
func login(ch *chlocal.Server, l chusers.Login, dsn string) Login {
	return Login{User: l.User, PasswordFile: l.PasswordFile, DSN: dsn, HTTP: "http://" + ch.HTTPAddr + "/?database=voc"}
}

// Publish writes the services' State where other commands look for a
// running `voc local` (StatePath); Close removes it.
func (s *Services) Publish(getenv func(string) string) (string, error) {
	path := StatePath(getenv)
	if err := WriteState(path, s.State); err != nil {
		return "", fmt.Errorf("publish embedded services: %w", err)
	}
	s.statePath = path
	return path, nil
}

// Close removes the published state and stops Kafka and ClickHouse.
func (s *Services) Close() {
	if s.statePath != "" {
		os.Remove(s.statePath)
	}
	s.Kafka.Close()
	s.ClickHouse.Stop(context.Background())
}

// Package testenv gives tests real infrastructure: one embedded ClickHouse
// server per test package (started on first use, stopped after m.Run), a
// fresh migrated database per test, and a fresh in-process Kafka broker per
// test. Packages using it call testenv.Main from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
package testenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/kafkalocal"
	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	vocsql "github.com/voc-analytics/voc/sql"
)

var (
	once    sync.Once
	server  *chlocal.Server
	dataDir string
	errOnce error
	dbSeq   atomic.Int64
)

// Main runs the package's tests. It turns the process into the embedded
// ClickHouse child when asked to, and stops the shared server at the end,
// after running cleanups.
func Main(m *testing.M, cleanups ...func()) {
	chlocal.RunChildIfRequested()
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	if server != nil {
		_ = server.Stop(context.Background())
	}
	if dataDir != "" {
		if code == 0 {
			os.RemoveAll(dataDir)
		} else if server != nil {
			fmt.Fprintf(os.Stderr, "testenv: tests failed; ClickHouse data and log kept in %s (see %s)\n", dataDir, server.LogPath)
		}
	}
	os.Exit(code)
}

// Server returns the package's shared ClickHouse server, starting it on first use.
func Server(t testing.TB) *chlocal.Server {
	t.Helper()
	once.Do(func() {
		dataDir, errOnce = os.MkdirTemp("", "voc-test-ch-")
		if errOnce != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		server, errOnce = chlocal.Start(ctx, chlocal.Config{DataDir: dataDir, Log: slog.Default()})
	})
	if errOnce != nil {
		t.Fatalf("embedded ClickHouse unavailable (run .ci/run or 'make deps' to install it): %v", errOnce)
	}
	return server
}

// DB is a fresh, migrated database on the shared server.
type DB struct {
	Name    string
	Options *clickhouse.Options // connects to Name as the writer
	Conn    driver.Conn         // the writer's connection
	Server  *chlocal.Server
}

// DSN is the writer's DSN of the database, without the password: pass
// PasswordEnv to a voc process given this DSN.
func (db *DB) DSN() string { return db.Server.DSN(db.Name) }

// PasswordEnv is the environment entry that gives a voc process the
// writer's password (by file, as a user would).
func (db *DB) PasswordEnv() string {
	return "VOC_CLICKHOUSE_PASSWORD_FILE=" + db.Server.Writer.PasswordFile
}

// AnalystOptions connects to the database as the read-only analyst.
func (db *DB) AnalystOptions() *clickhouse.Options { return AnalystOptions(db.Server, db.Name) }

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// NewDB creates a database named after the test, applies all migrations and
// drops it when the test ends.
func NewDB(t testing.TB) *DB {
	t.Helper()
	migrations, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	return NewDBWith(t, migrations)
}

// NewDBWith is NewDB with only the given migrations applied, e.g. an older
// schema version for an upgrade test.
func NewDBWith(t testing.TB, migrations []migrate.Migration) *DB {
	t.Helper()
	s := Server(t)
	name := fmt.Sprintf("t%d_%s", dbSeq.Add(1), strings.ToLower(unsafeChars.ReplaceAllString(t.Name(), "_")))
	if len(name) > 60 {
		name = name[:60]
	}
	opts := Options(s, name)
	conn, err := chsink.Open(context.Background(), chsink.Config{Options: opts, Migrate: true, Migrations: migrations})
	if err != nil {
		t.Fatalf("migrate %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" SYNC")
		conn.Close()
	})
	return &DB{Name: name, Options: opts, Conn: conn, Server: s}
}

// NewDBShared is NewDB for data several tests of a package share (loaded
// once): the database outlives the test that made it and goes with the
// package's server at the end of Main.
func NewDBShared(t testing.TB) *DB {
	t.Helper()
	migrations, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	s := Server(t)
	name := fmt.Sprintf("shared%d", dbSeq.Add(1))
	opts := Options(s, name)
	if _, err := migrate.Apply(context.Background(), opts, name, migrations, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate %s: %v", name, err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &DB{Name: name, Options: opts, Conn: conn, Server: s}
}

// Options returns clickhouse-go options for database db on server s, as
// the writer.
func Options(s *chlocal.Server, db string) *clickhouse.Options {
	return &clickhouse.Options{
		Addr:        []string{s.TCPAddr},
		Auth:        clickhouse.Auth{Database: db, Username: s.Writer.User, Password: s.Writer.Password},
		DialTimeout: 5 * time.Second,
		Settings:    clickhouse.Settings{"max_execution_time": 120},
	}
}

// AnalystOptions returns clickhouse-go options for database db on server s
// as the read-only analyst (no settings: the analyst may change none).
func AnalystOptions(s *chlocal.Server, db string) *clickhouse.Options {
	return &clickhouse.Options{
		Addr:        []string{s.TCPAddr},
		Auth:        clickhouse.Auth{Database: db, Username: s.Analyst.User, Password: s.Analyst.Password},
		DialTimeout: 5 * time.Second,
	}
}

// Kafka starts a fresh in-memory broker with voc's topics for this test.
func Kafka(t testing.TB, partitions int) *kafkalocal.Broker {
	t.Helper()
	topics := append([]string{}, pipeline.InputTopics...)
	topics = append(topics, pipeline.TopicDLQ)
	// Warnings only (a dead group member removed, ...): quiet unless it matters.
	warn := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := kafkalocal.Start(kafkalocal.Config{Partitions: partitions, Topics: topics, Log: warn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

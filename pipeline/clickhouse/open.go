package clickhouse

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/migrate"
	vocsql "github.com/voc-analytics/voc/sql"
)

// MinServerMajor and MinServerMinor give the oldest ClickHouse voc works
// with: 25.8, the oldest clickhouse-go v2 supports (and older servers lack
// functions the schema uses).
const (
	MinServerMajor = 25
	MinServerMinor = 8
)

// Config says where ClickHouse is and how to connect.
type Config struct {
	// Options are the address, credentials and database (Auth.Database,
	// default voc), e.g. from localenv.ClickHouseOptions.
	Options *clickhouse.Options
	// Migrate applies the schema migrations not yet applied before
	// returning (idempotent); the database is created if needed.
	Migrate bool
	// Migrations to apply; nil means the embedded sql/migrations.
	Migrations []migrate.Migration
	// MaxOpenConns sizes the connection pool; 0 keeps clickhouse-go's
	// default. A writer with parallel inserts (one per table) wants about 8.
	MaxOpenConns int
	Log          *slog.Logger
}

// DB is an open, version-checked connection pool to one voc database. It
// is a driver.Conn; Close closes the pool.
type DB struct {
	driver.Conn
	Options  *clickhouse.Options // as connected (a copy)
	Database string
	Version  string              // server version, e.g. 26.7.3
	Applied  []migrate.Migration // migrations this Open applied
}

// Open connects, refuses servers older than MinServerMajor.MinServerMinor,
// applies migrations when cfg.Migrate is set, and returns a pool of
// cfg.MaxOpenConns connections to the database.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Options == nil {
		return nil, fmt.Errorf("open ClickHouse: no connection options")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := *cfg.Options
	if opts.Auth.Database == "" {
		opts.Auth.Database = "voc"
	}
	if cfg.MaxOpenConns > 0 {
		opts.MaxOpenConns = cfg.MaxOpenConns
	}
	// Check the version and whether the database exists on a connection
	// to the user's default database: the voc database may not exist yet,
	// and connecting to a missing database also upsets the embedded server
	// (chDB aborts on the next connection after an UNKNOWN_DATABASE).
	probe := opts
	probe.Auth.Database, probe.MaxOpenConns = "", 1
	version, exists, err := inspect(ctx, &probe, opts.Auth.Database)
	if err != nil {
		return nil, err
	}
	var applied []migrate.Migration
	if cfg.Migrate {
		ms := cfg.Migrations
		if ms == nil {
			if ms, err = migrate.Load(vocsql.Migrations, "migrations"); err != nil {
				return nil, err
			}
		}
		if applied, err = migrate.Apply(ctx, &opts, opts.Auth.Database, ms, log); err != nil {
			return nil, err
		}
	} else if !exists {
		return nil, fmt.Errorf("ClickHouse at %v has no database %s: run 'voc migrate' to create it (or pass the right one in the DSN)", opts.Addr, opts.Auth.Database)
	}
	conn, err := connect(ctx, &opts)
	if err != nil {
		return nil, err
	}
	return &DB{Conn: conn, Options: &opts, Database: opts.Auth.Database, Version: version, Applied: applied}, nil
}

// inspect returns the server's version, refusing one that is too old, and
// whether database db exists.
func inspect(ctx context.Context, opts *clickhouse.Options, db string) (version string, exists bool, err error) {
	conn, err := connect(ctx, opts)
	if err != nil {
		return "", false, err
	}
	defer conn.Close()
	v, err := conn.ServerVersion()
	if err != nil {
		return "", false, fmt.Errorf("read ClickHouse server version at %v: %w", opts.Addr, err)
	}
	version = fmt.Sprintf("%d.%d.%d", v.Version.Major, v.Version.Minor, v.Version.Patch)
	if err := CheckVersion(v.Version.Major, v.Version.Minor); err != nil {
		return "", false, fmt.Errorf("ClickHouse at %v is %s %s: %w", opts.Addr, v.Name, version, err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM system.databases WHERE name = ?", db).Scan(&n); err != nil {
		return "", false, fmt.Errorf("look up database %s on ClickHouse %v: %w", db, opts.Addr, err)
	}
	return version, n > 0, nil
}

// connect opens a pool and pings it, so that a wrong address or database
// fails here with the address in the error.
func connect(ctx context.Context, opts *clickhouse.Options) (driver.Conn, error) {
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse %v: %w", opts.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to ClickHouse %v: %w (check --clickhouse / VOC_CLICKHOUSE_DSN and the server)", opts.Addr, err)
	}
	return conn, nil
}

// CheckVersion returns an error saying what to do when major.minor is
// older than MinServerMajor.MinServerMinor.
func CheckVersion(major, minor uint64) error {
	if major > MinServerMajor || major == MinServerMajor && minor >= MinServerMinor {
		return nil
	}
	return fmt.Errorf("voc needs ClickHouse %d.%d or later: upgrade the server, or use the embedded one (unset --clickhouse and VOC_CLICKHOUSE_DSN, or run 'voc local')", MinServerMajor, MinServerMinor)
}

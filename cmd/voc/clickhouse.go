package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/localenv"
)

// defaultDataDir is where the embedded services keep their data:
// $VOC_DATA_DIR, else $XDG_DATA_HOME/voc, else ~/.local/share/voc.
func defaultDataDir(getenv func(string) string) string {
	if d := getenv("VOC_DATA_DIR"); d != "" {
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

// clickhouseFlag declares --clickhouse on fs.
func clickhouseFlag(fs *flag.FlagSet, dsn *string) {
	fs.StringVar(dsn, "clickhouse", *dsn, "ClickHouse DSN, e.g. clickhouse://user@host:9000/voc (default $VOC_CLICKHOUSE_DSN, else a running 'voc local', else an embedded server; password from $VOC_CLICKHOUSE_PASSWORD or $VOC_CLICKHOUSE_PASSWORD_FILE)")
}

// withClickHouse resolves ClickHouse from the flag, the environment or a
// running `voc local`; failing those it starts the embedded server on the
// default data dir for the duration of fn.
func withClickHouse(ctx context.Context, env *Env, dsnFlag string, fn func(*clickhouse.Options) error) error {
	dsn, err := localenv.ClickHouseDSN(dsnFlag, env.Getenv)
	if err == nil {
		opts, err := localenv.ClickHouseOptions(dsn, env.Getenv)
		if err != nil {
			return err
		}
		return fn(opts)
	}
	if !errors.Is(err, localenv.ErrNotFound) {
		return err
	}
	dataDir := filepath.Join(defaultDataDir(env.Getenv), "clickhouse")
	env.Log.Info("no ClickHouse configured: starting the embedded one", "data_dir", dataDir)
	srv, err := chlocal.Start(ctx, chlocal.Config{DataDir: dataDir, Log: env.Log, Getenv: env.Getenv})
	if err != nil {
		return err
	}
	defer srv.Stop(context.Background())
	opts, err := localenv.ClickHouseOptions(srv.DSN("voc"), env.Getenv)
	if err != nil {
		return err
	}
	return fn(opts)
}

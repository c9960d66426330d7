package main

import (
	"context"
	"flag"

	"github.com/voc-analytics/voc/internal/localenv"
)

// clickhouseFlag declares --clickhouse on fs.
func clickhouseFlag(fs *flag.FlagSet, dsn *string) {
	fs.StringVar(dsn, "clickhouse", *dsn, "ClickHouse DSN, e.g. clickhouse://user@host:9000/voc (default $VOC_CLICKHOUSE_DSN, else a running 'voc local', else an embedded server; password from $VOC_CLICKHOUSE_PASSWORD or $VOC_CLICKHOUSE_PASSWORD_FILE)")
}

// openClickHouse opens the database that --clickhouse (dsn) names, or the
// environment, or a running `voc local`, else an embedded server that
// Close stops.
func openClickHouse(ctx context.Context, env *Env, dsn string, migrate bool) (*localenv.ClickHouse, error) {
	return localenv.OpenClickHouse(ctx, localenv.ClickHouseConfig{DSN: dsn, Migrate: migrate, Getenv: env.Getenv, Log: env.Log})
}

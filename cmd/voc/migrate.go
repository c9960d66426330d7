package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/migrate"
	vocsql "github.com/voc-analytics/voc/sql"
)

func init() {
	register(&command{
		Name:    "migrate",
		Summary: "apply the embedded schema migrations (sql/migrations) to ClickHouse; safe to re-run",
		Usage:   "[--clickhouse DSN]",
		New:     func() Invocation { return &migrateMain{} },
	})
}

// migrateMain is one run of `voc migrate`.
type migrateMain struct{ dsn string }

func (m *migrateMain) Flags(fs *flag.FlagSet) { clickhouseFlag(fs, &m.dsn) }

func (m *migrateMain) Run(ctx context.Context, env *Env, args []string) error {
	return withClickHouse(ctx, env, m.dsn, func(opts *clickhouse.Options) error {
		applied, err := applyMigrations(ctx, env, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "database %s: %d migration(s) applied\n", opts.Auth.Database, len(applied))
		for _, m := range applied {
			fmt.Fprintf(env.Stdout, "  %04d_%s\n", m.Version, m.Name)
		}
		return nil
	})
}

func applyMigrations(ctx context.Context, env *Env, opts *clickhouse.Options) ([]migrate.Migration, error) {
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return migrate.Apply(ctx, opts, opts.Auth.Database, ms, env.Log)
}

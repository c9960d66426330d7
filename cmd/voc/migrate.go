package main

import (
	"context"
	"flag"
	"fmt"
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
	db, err := openClickHouse(ctx, env, m.dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.Stdout, "database %s: %d migration(s) applied\n", db.Database, len(db.Applied))
	for _, m := range db.Applied {
		fmt.Fprintf(env.Stdout, "  %04d_%s\n", m.Version, m.Name)
	}
	return nil
}

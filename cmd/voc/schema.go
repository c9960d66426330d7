package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/schemadoc"
)

func init() {
	register(&command{
		Name:    "schema docs",
		Summary: "write the schema documentation (docs/schema.md) generated from the table and column comments",
		Usage:   "[--clickhouse DSN] [--out FILE]",
		New:     func() Invocation { return &schemaDocsMain{} },
	})
}

// schemaDocsMain is one run of `voc schema docs`.
type schemaDocsMain struct{ dsn, out string }

func (m *schemaDocsMain) Flags(fs *flag.FlagSet) {
	clickhouseFlag(fs, &m.dsn)
	fs.StringVar(&m.out, "out", m.out, "file to write (default stdout)")
}

func (m *schemaDocsMain) Run(ctx context.Context, env *Env, args []string) error {
	return withClickHouse(ctx, env, m.dsn, func(opts *clickhouse.Options) error {
		if _, err := applyMigrations(ctx, env, opts); err != nil {
			return err
		}
		conn, err := clickhouse.Open(opts)
		if err != nil {
			return err
		}
		defer conn.Close()
		doc, err := schemadoc.Generate(ctx, conn, opts.Auth.Database)
		if err != nil {
			return err
		}
		if m.out == "" {
			_, err = fmt.Fprint(env.Stdout, doc)
			return err
		}
		return os.WriteFile(m.out, []byte(doc), 0o644)
	})
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"

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
	db, err := openClickHouse(ctx, env, m.dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	doc, err := schemadoc.Generate(ctx, db, db.Database)
	if err != nil {
		return err
	}
	if m.out == "" {
		_, err = fmt.Fprint(env.Stdout, doc)
		return err
	}
	return os.WriteFile(m.out, []byte(doc), 0o644)
}

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
	var dsn, out string
	register(&command{
		Name:    "schema docs",
		Summary: "write the schema documentation (docs/schema.md) generated from the table and column comments",
		Usage:   "[--clickhouse DSN] [--out FILE]",
		Flags: func(fs *flag.FlagSet) {
			clickhouseFlag(fs, &dsn)
			fs.StringVar(&out, "out", "", "file to write (default stdout)")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			return withClickHouse(ctx, env, dsn, func(opts *clickhouse.Options) error {
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
				if out == "" {
					_, err = fmt.Fprint(env.Stdout, doc)
					return err
				}
				return os.WriteFile(out, []byte(doc), 0o644)
			})
		},
	})
}

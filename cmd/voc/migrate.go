package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/chusers"
	"github.com/voc-analytics/voc/internal/localenv"
)

func init() {
	register(&command{
		Name:    "migrate",
		Summary: "apply the embedded schema migrations (sql/migrations) to ClickHouse; safe to re-run; --create-users also creates the writer and read-only analyst users on an external server",
		Usage:   "[--clickhouse DSN] [--create-users [--users-dir DIR] [--writer-user voc] [--analyst-user analyst]]",
		New:     func() Invocation { return &migrateMain{writer: chusers.WriterUser, analyst: chusers.AnalystUser} },
	})
}

// migrateMain is one run of `voc migrate`.
type migrateMain struct {
	dsn             string
	createUsers     bool
	usersDir        string
	writer, analyst string
}

func (m *migrateMain) Flags(fs *flag.FlagSet) {
	clickhouseFlag(fs, &m.dsn)
	fs.BoolVar(&m.createUsers, "create-users", m.createUsers, "also create (or update) roles voc_writer and voc_analyst, profile voc_analyst and the two users, as docs/clickhouse-users.sql does; needs a user with access management and a server with SQL access control (the embedded one has these users already)")
	fs.StringVar(&m.usersDir, "users-dir", m.usersDir, "with --create-users: directory of the password files WRITER.password and ANALYST.password (0600), generated when missing and reused when present (default $VOC_DATA_DIR/users, else ~/.local/share/voc/users)")
	fs.StringVar(&m.writer, "writer-user", m.writer, "with --create-users: name of the writer user")
	fs.StringVar(&m.analyst, "analyst-user", m.analyst, "with --create-users: name of the read-only analyst user")
}

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
	if m.createUsers {
		return m.createUsersOn(ctx, env, db.Conn, db.Database)
	}
	return nil
}

func (m *migrateMain) createUsersOn(ctx context.Context, env *Env, conn driver.Conn, database string) error {
	dir := m.usersDir
	if dir == "" {
		dir = filepath.Join(localenv.DataDir(env.Getenv), "users")
	}
	writer, analyst, err := chusers.EnsureNamedLogins(dir, m.writer, m.analyst)
	if err != nil {
		return err
	}
	spec := chusers.CreateSpec{Database: database, Writer: writer.User, Analyst: analyst.User,
		WriterSHA256: writer.SHA256(), AnalystSHA256: analyst.SHA256()}
	if err := chusers.Create(ctx, conn, spec); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "users on database %s: writer %s (password in %s), read-only analyst %s (password in %s)\n",
		spec.Database, writer.User, writer.PasswordFile, analyst.User, analyst.PasswordFile)
	return nil
}

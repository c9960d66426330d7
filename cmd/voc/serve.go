package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/internal/web"
	"github.com/voc-analytics/voc/metrics"
)

func init() {
	register(&command{
		Name:    "serve",
		Summary: "web application: the four dashboards (ECharts), the weekly report, an SQL page for analysts (read-only ClickHouse user) and a JSON API",
		Usage:   "[--addr 127.0.0.1:8080] [--clickhouse DSN] [--auth-file FILE] [--zone Asia/Shanghai] [--report-lang zh|en]",
		New:     func() Invocation { return newServeMain() },
	})
	register(&command{
		Name:    "serve hash-password",
		Summary: "print an --auth-file line (user:bcrypt-hash) for USER, reading the password from stdin",
		Usage:   "USER < password",
		New:     func() Invocation { return &hashPasswordMain{} },
	})
}

// serveMain is one run of `voc serve`.
type serveMain struct {
	addr, dsn, authFile string
	zone, reportLang    string
}

func newServeMain() *serveMain {
	return &serveMain{addr: "127.0.0.1:8080", zone: metrics.DefaultZone.String(), reportLang: "zh"}
}

func (m *serveMain) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.addr, "addr", m.addr, "address to listen on; anything but loopback needs --auth-file")
	fs.StringVar(&m.dsn, "clickhouse", m.dsn, "ClickHouse DSN of a read-only user, e.g. clickhouse://analyst@host:9000/voc (default $VOC_ANALYST_DSN, else the analyst of a running 'voc local', else an embedded server; password from $VOC_ANALYST_PASSWORD or $VOC_ANALYST_PASSWORD_FILE); a user that may write is refused")
	fs.StringVar(&m.authFile, "auth-file", m.authFile, "file of user:bcrypt-hash lines (htpasswd -nbB USER PASSWORD, or 'voc serve hash-password USER'); visitors must log in")
	fs.StringVar(&m.zone, "zone", m.zone, "time zone of days and weeks (dashboards, weekly reports)")
	fs.StringVar(&m.reportLang, "report-lang", m.reportLang, "language of the weekly report pages: zh or en")
}

func (m *serveMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	zone, err := time.LoadLocation(m.zone)
	if err != nil {
		return fmt.Errorf("--zone %q: %w", m.zone, err)
	}
	if m.reportLang != "zh" && m.reportLang != "en" {
		return fmt.Errorf("--report-lang %q: choose zh or en", m.reportLang)
	}
	cfg := web.Config{Addr: m.addr, Log: env.Log, Zone: zone}
	if m.authFile != "" {
		users, err := web.LoadAuthFile(m.authFile)
		if err != nil {
			return err
		}
		cfg.Users = users
	}
	if err := web.CheckAddr(cfg.Addr, cfg.Users != nil); err != nil {
		return err // a bad --addr fails before anything starts
	}
	opts, stop, err := analystOptions(ctx, env, m.dsn)
	if err != nil {
		return err
	}
	defer stop()
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return fmt.Errorf("connect to ClickHouse %v: %w", opts.Addr, err)
	}
	defer conn.Close()
	user, err := web.CheckReadOnly(ctx, conn)
	if err != nil {
		return err
	}
	cfg.Conn, cfg.Database = conn, opts.Auth.Database
	cfg.Reports = web.NewReports(conn, web.ReportsConfig{Zone: zone, Options: report.Options{Lang: m.reportLang, Log: env.Log}})
	srv, err := web.New(cfg)
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, func(addr string) {
		env.Log.Info("voc serve ready", "url", "http://"+addr+"/", "clickhouse_user", user, "database", cfg.Database, "auth", cfg.Users != nil)
		fmt.Fprintf(env.Stdout, "voc serve: http://%s/ (ClickHouse user %s, read-only)\n", addr, user)
	})
}

// analystOptions resolves the read-only user: flag, VOC_ANALYST_DSN, a
// running voc local; failing those it starts the embedded server on the
// default data dir (stopped by the returned function).
func analystOptions(ctx context.Context, env *Env, dsnFlag string) (*clickhouse.Options, func(), error) {
	opts, err := localenv.ClickHouseAnalyst(dsnFlag, env.Getenv)
	if err == nil {
		return opts, func() {}, nil
	}
	if !errors.Is(err, localenv.ErrNotFound) {
		return nil, nil, err
	}
	dataDir := filepath.Join(localenv.DataDir(env.Getenv), "clickhouse")
	env.Log.Info("no ClickHouse configured: starting the embedded one", "data_dir", dataDir)
	srv, err := chlocal.Start(ctx, chlocal.Config{DataDir: dataDir, Log: env.Log, Getenv: env.Getenv})
	if err != nil {
		return nil, nil, err
	}
	opts, err = localenv.ClickHouseOptions(srv.AnalystDSN("voc"), env.Getenv)
	if err != nil {
		srv.Stop(context.Background())
		return nil, nil, err
	}
	opts.Auth.Password = srv.Analyst.Password
	return opts, func() { srv.Stop(context.Background()) }, nil
}

// hashPasswordMain is one run of `voc serve hash-password`.
type hashPasswordMain struct{}

func (m *hashPasswordMain) Flags(fs *flag.FlagSet) {}

func (m *hashPasswordMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) != 1 {
		return errors.New("want one argument, the user name; the password comes on stdin")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return errors.New("empty password on stdin")
	}
	out, err := web.HashPassword(args[0], pw)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, out)
	return nil
}

// Command screenshots draws the pictures in docs/img from a generated
// month: `make screenshots`. It starts an embedded ClickHouse in a temporary
// directory, loads the history through the pipeline's validation and text
// analytics (internal/genload), then runs every shot in shots, each of
// which renders a page and photographs it with headless Chromium
// (internal/browser): the weekly report and voc serve's four dashboards.
// Add a shot by appending to shots; -only runs some of them.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/browser"
	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/pipeline/enrich"
	vocsql "github.com/voc-analytics/voc/sql"
)

// Env is what a shot gets: the loaded database, the generated history, a
// browser, where to write.
type Env struct {
	Conn     driver.Conn
	Options  *clickhouse.Options // the writer's
	Analyst  *clickhouse.Options // the read-only analyst's (voc serve)
	Config   generate.Config
	Chromium string
	OutDir   string
	Log      *slog.Logger
}

type shot struct {
	name string // also the -only name
	run  func(ctx context.Context, e *Env) error
}

// shots are the pictures, in the order they are taken.
var shots = []shot{
	{"weekly-report", weeklyReport},
	{"dashboards", dashboards},
}

func main() {
	chlocal.RunChildIfRequested()
	out := flag.String("out", "docs/img", "directory for the PNG files")
	days := flag.Int("days", 35, "days of generated history (from Monday 2026-10-26)")
	perDay := flag.Int("contacts-per-day", 800, "generated contacts per day")
	only := flag.String("only", "", "comma-separated shot names (default: all): "+names())
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, log, *out, *days, *perDay, *only); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func names() string {
	var n []string
	for _, s := range shots {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

func run(ctx context.Context, log *slog.Logger, out string, days, perDay int, only string) error {
	bin, err := browser.Find(os.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "voc-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := chlocal.Start(ctx, chlocal.Config{DataDir: dir, Log: log})
	if err != nil {
		return err
	}
	defer srv.Stop(context.Background())
	opts := &clickhouse.Options{Addr: []string{srv.TCPAddr}, Auth: clickhouse.Auth{Database: "voc", Username: srv.Writer.User, Password: srv.Writer.Password},
		DialTimeout: 10 * time.Second, Settings: clickhouse.Settings{"max_execution_time": 600}}
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		return err
	}
	if _, err := migrate.Apply(ctx, opts, "voc", ms, log); err != nil {
		return err
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return err
	}
	defer conn.Close()
	en, err := enrich.New(enrich.Full)
	if err != nil {
		return err
	}
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = days, perDay
	t0 := time.Now()
	log.Info("loading generated history", "days", days, "contacts_per_day", perDay)
	sum, err := genload.Load(ctx, conn, cfg, en, genload.Options{Progress: func(n int64) { log.Info("loaded", "records", n) }})
	if err != nil {
		return err
	}
	log.Info("history loaded", "contacts", sum.Contacts, "took", time.Since(t0).Round(time.Second))
	analyst := &clickhouse.Options{Addr: []string{srv.TCPAddr}, Auth: clickhouse.Auth{Database: "voc", Username: srv.Analyst.User, Password: srv.Analyst.Password},
		DialTimeout: 10 * time.Second}
	e := &Env{Conn: conn, Options: opts, Analyst: analyst, Config: cfg, Chromium: bin, OutDir: out, Log: log}
	for _, s := range shots {
		if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
			continue
		}
		if err := s.run(ctx, e); err != nil {
			return fmt.Errorf("shot %s: %w", s.name, err)
		}
	}
	return nil
}

// Photograph loads url and writes name.png in the output directory, failing
// on any console error of the page.
func (e *Env) Photograph(ctx context.Context, name, url string, opt browser.Options) error {
	opt.Screenshot = true
	res, err := browser.Load(ctx, e.Chromium, url, opt)
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%s has console errors: %q", url, res.Errors)
	}
	path := filepath.Join(e.OutDir, name+".png")
	if err := os.WriteFile(path, res.Screenshot, 0o644); err != nil {
		return err
	}
	e.Log.Info("screenshot written", "file", path, "bytes", len(res.Screenshot))
	return nil
}

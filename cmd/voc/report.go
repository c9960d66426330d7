package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/metrics"
)

func init() {
	register(&command{
		Name:    "report weekly",
		Summary: "the weekly top-issues report for product managers: headline, top issues, emerging issues, quotes, suggestions (HTML, Markdown or JSON)",
		Usage:   "[--week 2026-W46] [--top 10] [--format html|md|json] [--out FILE] [--lang zh|en] [--every monday@09:00 --out-dir DIR] [flags]",
		New:     func() Invocation { return newReportMain() },
	})
}

// reportMain is one run of `voc report weekly`.
type reportMain struct {
	week, format, out, lang, zone string
	every, outDir, linkBase, now  string
	dsn                           string
	top, minCount                 int
	emerging                      report.EmergingConfig
}

func newReportMain() *reportMain {
	e := report.DefaultEmerging()
	return &reportMain{format: report.FormatHTML, lang: "zh", zone: metrics.DefaultZone.String(), top: 10, emerging: e, minCount: int(e.MinCount)}
}

func (m *reportMain) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.week, "week", "", "ISO week, e.g. 2026-W46 (default: the last complete week in --zone)")
	fs.IntVar(&m.top, "top", m.top, "number of top issue topics")
	fs.StringVar(&m.format, "format", m.format, "html (one self-contained page), md (GitHub Markdown) or json; with --out-dir a comma-separated list, e.g. html,json")
	fs.StringVar(&m.out, "out", "", "file to write (default: standard output)")
	fs.StringVar(&m.lang, "lang", m.lang, "language of the report: zh or en")
	fs.StringVar(&m.zone, "zone", m.zone, "time zone of weeks and of --every")
	fs.StringVar(&m.every, "every", "", "keep running and write each week's report when it closes, at WEEKDAY@HH:MM in --zone, e.g. monday@09:00 (needs --out-dir)")
	fs.StringVar(&m.outDir, "out-dir", "", "directory for WEEK.html / WEEK.md / WEEK.json (with --every, or once for --week)")
	fs.StringVar(&m.linkBase, "link-base", "", "link quotes to BASE/contacts/ID and BASE/tickets/ID (e.g. the URL of voc serve)")
	fs.StringVar(&m.now, "now", "", "evaluation time of FCR and repeat rate (RFC 3339 or YYYY-MM-DD in --zone; default: now)")
	fs.IntVar(&m.emerging.BaselineWeeks, "baseline-weeks", m.emerging.BaselineWeeks, "emerging test: weeks before the report week it compares with")
	fs.IntVar(&m.minCount, "min-count", m.minCount, "emerging test: least count this week")
	fs.Float64Var(&m.emerging.MinRatio, "min-ratio", m.emerging.MinRatio, "emerging test: least rate ratio against the baseline")
	fs.Float64Var(&m.emerging.FDR, "fdr", m.emerging.FDR, "emerging test: Benjamini-Hochberg false discovery rate")
	clickhouseFlag(fs, &m.dsn)
}

func (m *reportMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	zone, err := time.LoadLocation(m.zone)
	if err != nil {
		return fmt.Errorf("--zone %q: %w", m.zone, err)
	}
	formats := strings.Split(m.format, ",")
	for _, f := range formats {
		if !contains(report.Formats, f) {
			return fmt.Errorf("--format %q: choose html, md or json", f)
		}
	}
	if len(formats) > 1 && m.outDir == "" {
		return errors.New("several --format values need --out-dir")
	}
	if m.out != "" && m.outDir != "" {
		return errors.New("--out and --out-dir exclude each other")
	}
	if m.lang != "zh" && m.lang != "en" {
		return fmt.Errorf("--lang %q: choose zh or en", m.lang)
	}
	m.emerging.MinCount = int64(m.minCount)
	if err := m.emerging.Validate(); err != nil {
		return err
	}
	opt := report.Options{Top: m.top, Lang: m.lang, Emerging: m.emerging, Log: env.Log}
	if m.now != "" {
		if opt.Now, err = metrics.ParseTime(m.now, zone); err != nil {
			return fmt.Errorf("--now: %w", err)
		}
	}
	if m.linkBase != "" {
		base := strings.TrimRight(m.linkBase, "/")
		opt.Links = func(q report.Quote) string {
			if q.IDKind == "ticket" {
				return base + "/tickets/" + q.ID
			}
			return base + "/contacts/" + q.ID
		}
	}
	if m.every != "" {
		if m.outDir == "" {
			return errors.New("--every needs --out-dir")
		}
		if m.week != "" {
			return errors.New("--every writes each week as it closes: leave out --week")
		}
		sched, err := report.ParseSchedule(m.every, zone)
		if err != nil {
			return fmt.Errorf("--every: %w", err)
		}
		done := func(w report.Week) bool {
			for _, f := range formats {
				if _, err := os.Stat(filepath.Join(m.outDir, w.String()+"."+f)); err != nil {
					return false
				}
			}
			return true
		}
		write := func(ctx context.Context, w report.Week) error {
			o := opt
			o.Week = w
			return m.writeDir(ctx, env, o, formats)
		}
		env.Log.Info("writing weekly reports", "every", sched.String(), "zone", zone.String(), "dir", m.outDir, "formats", m.format)
		return report.RunEvery(ctx, sched, report.RealClock, done, write, env.Log)
	}
	opt.Week = report.LastComplete(time.Now(), zone)
	if m.week != "" {
		if opt.Week, err = report.ParseWeek(m.week, zone); err != nil {
			return fmt.Errorf("--week: %w", err)
		}
	}
	if m.outDir != "" {
		return m.writeDir(ctx, env, opt, formats)
	}
	r, err := m.build(ctx, env, opt)
	if err != nil {
		return err
	}
	if m.out == "" {
		return report.Render(env.Stdout, r, m.format)
	}
	return writeFileAtomic(m.out, func(w io.Writer) error { return report.Render(w, r, m.format) })
}

func (m *reportMain) build(ctx context.Context, env *Env, opt report.Options) (*report.Report, error) {
	db, err := openClickHouse(ctx, env, m.dsn, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	t0 := time.Now()
	r, err := report.Build(ctx, db, opt)
	if err != nil {
		return nil, err
	}
	env.Log.Info("weekly report built", "week", r.Week, "top_issues", len(r.TopIssues), "emerging", len(r.Emerging), "took", time.Since(t0).Round(time.Millisecond))
	return r, nil
}

// writeDir writes opt.Week's report in every format to --out-dir.
func (m *reportMain) writeDir(ctx context.Context, env *Env, opt report.Options, formats []string) error {
	r, err := m.build(ctx, env, opt)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(m.outDir, 0o755); err != nil {
		return fmt.Errorf("create --out-dir %s: %w", m.outDir, err)
	}
	for _, f := range formats {
		path := filepath.Join(m.outDir, r.Week+"."+f)
		if err := writeFileAtomic(path, func(w io.Writer) error { return report.Render(w, r, f) }); err != nil {
			return err
		}
		env.Log.Info("weekly report written", "week", r.Week, "file", path)
	}
	return nil
}

// writeFileAtomic writes path through a temporary file renamed into place,
// so a reader never sees half a report.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

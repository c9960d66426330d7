package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/progress"
	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/internal/seal"
	"github.com/voc-analytics/voc/internal/web"
	"github.com/voc-analytics/voc/metrics"
	"github.com/voc-analytics/voc/pipeline"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func init() {
	register(&command{
		Name:    "demo",
		Summary: "everything embedded: ClickHouse + Kafka, 4 weeks of generated history, a live trickle through Kafka and the pipeline, voc serve (dashboards, weekly report, SQL page) and the last complete week's report; serves until Ctrl-C",
		Usage:   "[flags]",
		New:     func() Invocation { return newDemoMain() },
	})
}

// demoMain is one run of `voc demo`.
type demoMain struct {
	local      localenv.Config
	gen        generate.Config
	addr       string // voc serve
	reportLang string
	exitAfter  bool
}

func newDemoMain() *demoMain {
	m := &demoMain{local: defaultLocalConfig(), gen: generate.DefaultConfig(), addr: "127.0.0.1:8080", reportLang: "zh"}
	m.local.KafkaInMemory = true
	// 28 days x 800 contacts a day: about 400,000 events, enough for every
	// panel and the weekly report's emerging-issue test (the screenshots are
	// drawn at the same rate), and half the load time of 1,500 a day.
	m.gen.Days, m.gen.ContactsPerDay, m.gen.MalformedRate = 28, 800, 0.002
	return m
}

func (m *demoMain) Flags(fs *flag.FlagSet) {
	f, gen := &m.local, &m.gen
	fs.StringVar(&f.DataDir, "data-dir", f.DataDir, "data directory (default $VOC_DATA_DIR/demo, else ~/.local/share/voc/demo); wiped at start")
	fs.IntVar(&f.ClickHousePort, "clickhouse-port", f.ClickHousePort, "ClickHouse native port (0 = free port)")
	fs.IntVar(&f.HTTPPort, "http-port", f.HTTPPort, "ClickHouse HTTP port (0 = free port)")
	fs.IntVar(&f.KafkaPort, "kafka-port", f.KafkaPort, "Kafka port (0 = free port)")
	fs.StringVar(&m.addr, "addr", m.addr, "address of the web application (voc serve: dashboards, weekly report, SQL page); port 0 = a free port")
	fs.IntVar(&gen.Days, "days", gen.Days, "days of history, up to today 00:00 (Asia/Shanghai); today's events follow live")
	fs.IntVar(&gen.ContactsPerDay, "contacts-per-day", gen.ContactsPerDay, "contacts per day")
	fs.Float64Var(&gen.MalformedRate, "malformed-rate", gen.MalformedRate, "share of malformed messages, to show the dead-letter path")
	fs.StringVar(&m.reportLang, "report-lang", m.reportLang, "language of the weekly report: zh or en")
	fs.BoolVar(&m.exitAfter, "exit", m.exitAfter, "exit once the live trickle has caught up with the clock and the weekly report is written, instead of serving until interrupted")
}

func (m *demoMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	if m.reportLang != "zh" && m.reportLang != "en" {
		return fmt.Errorf("--report-lang %q: choose zh or en", m.reportLang)
	}
	if err := web.CheckAddr(m.addr, false); err != nil {
		return err
	}
	return runDemo(ctx, env, m)
}

// The dashboards of voc serve, in the order the demo lists them.
var demoDashboards = []struct{ uid, what string }{
	{"voc-executive", "executive quality"},
	{"voc-product", "product feedback"},
	{"voc-operations", "operations / SLA (refreshes every 10 s)"},
	{"voc-suggestions", "employee suggestions"},
}

// runDemo: services, pipeline and web application up; the history loaded
// straight through the pipeline's decode, enrichment and sink; then the same
// generator goes on in real time through Kafka and the pipeline; the weekly
// report of the last complete week written; until ctx ends (Ctrl-C), which
// stops everything in reverse order.
func runDemo(ctx context.Context, env *Env, m *demoMain) error {
	t0 := time.Now()
	f, gen := m.local, m.gen
	if f.DataDir == "" {
		f.DataDir = filepath.Join(localenv.DataDir(env.Getenv), "demo")
	}
	// The web application's address first: if it is taken (another demo or
	// voc serve), nothing is started or wiped.
	l, err := net.Listen("tcp", m.addr)
	if err != nil {
		return fmt.Errorf("voc serve on %s: %w (is another voc demo or voc serve running? choose another address with --addr)", m.addr, err)
	}
	defer l.Close()
	// A second demo starts clean: the previous one's data goes.
	if err := os.RemoveAll(f.DataDir); err != nil {
		return fmt.Errorf("wipe demo data dir %s: %w", f.DataDir, err)
	}
	// The text analytics model loads while the servers start.
	type enricherResult struct {
		e   pipeline.Enricher
		err error
	}
	enricherCh := make(chan enricherResult, 1)
	go func() {
		e, err := newEnricher(defaultEnrich)
		enricherCh <- enricherResult{e, err}
	}()
	f.Getenv, f.Log = env.Getenv, env.Log
	svc, err := localenv.Start(ctx, f)
	if err != nil {
		return err
	}
	defer svc.Close()
	if _, err := svc.Publish(env.Getenv); err != nil {
		return err
	}
	printLocal(env, svc, f.Partitions)
	conn, err := openClickHouse(ctx, env, svc.State.ClickHouseDSN, false)
	if err != nil {
		return err
	}
	defer conn.Close()

	// voc serve, in this process, as the read-only analyst.
	zone := metrics.DefaultZone
	site, err := startDemoWeb(ctx, env, svc, l, zone, m.reportLang)
	if err != nil {
		return err
	}
	defer site.stop()

	// The pipeline, in this process, exactly as `voc run` runs it.
	opsAddr := demoOpsAddr
	if a := env.Getenv("VOC_DEMO_OPS_ADDR"); a != "" {
		opsAddr = a
	}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	run := newRunMain()
	run.dsn, run.brokers, run.httpAddr, run.noMigrate = svc.State.ClickHouseDSN, svc.Kafka.Addr, opsAddr, true
	run.cfg.Limits.MaxPast = 10 * 365 * 24 * time.Hour
	run.cfg.FlushInterval = 500 * time.Millisecond
	runErr := make(chan error, 1)
	go func() { runErr <- run.Run(runCtx, env, nil) }()

	res := <-enricherCh
	if res.err != nil {
		return res.err
	}
	// The load allocates a lot of short-lived records: collect garbage less
	// often while it runs (the text analytics model set its own value while
	// loading, so this comes after it).
	gcPercent := debug.SetGCPercent(400)

	// One generator, one world: its history (up to today 00:00, Asia/Shanghai)
	// goes straight through the pipeline's decode, enrichment and sink
	// (internal/genload), much faster than through Kafka; from there on, it
	// goes on in real time (today's events since midnight at once) into
	// Kafka, where voc run takes it, as `voc generate --follow` does. The
	// deliberately malformed messages go through Kafka to the dead-letter path.
	if gen.Start.IsZero() || gen.Start.Equal(generate.DefaultConfig().Start) {
		today := time.Now().In(generate.Shanghai)
		gen.Start = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, generate.Shanghai).AddDate(0, 0, -gen.Days)
	}
	historyEnd := gen.Start.AddDate(0, 0, gen.Days)
	fmt.Fprintf(env.Stdout, "\nLoading %d days of history (%s to %s, %d contacts/day) with text analytics ...\n",
		gen.Days, gen.Start.Format(time.DateOnly), historyEnd.AddDate(0, 0, -1).Format(time.DateOnly), gen.ContactsPerDay)
	producer, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{svc.Kafka.Addr}, BatchSize: 500, AllowAutoTopicCreation: true})
	if err != nil {
		return err
	}
	live := &liveSink{producer: producer}
	bar := progress.New(ctx, env.Stderr, env.Log, "history", progress.Options{Total: int64(gen.Days), Unit: "days"})
	tLoad := time.Now()
	var loaded, daysDone atomic.Int64
	var barMu sync.Mutex // the generator's and the loader's writer goroutines report
	showProgress := func() {
		barMu.Lock()
		defer barMu.Unlock()
		n := loaded.Load()
		rate := float64(n) / max(time.Since(tLoad).Seconds(), 1e-9)
		bar.Update(daysDone.Load(), 0, fmt.Sprintf("%s events loaded, %s events/s", progress.Count(n), progress.Count(int64(rate))))
	}
	hist := genload.NewSink(ctx, conn, res.e, genload.Options{
		Progress: func(n int64) { loaded.Store(n); showProgress() },
		Invalid: func(ctx context.Context, topic string, key, value []byte, _ error) error {
			return live.Write(ctx, topic, key, value)
		},
	})
	sink := &demoSink{hist: hist, live: live, histDone: make(chan struct{})}
	genOpt := generate.Options{Follow: true,
		Progress: func(p generate.Progress) {
			if !sink.isLive {
				daysDone.Store(int64(min(max(p.Day-1, 0), p.Days))) // the current day is still being written
				showProgress()
			}
		},
		Live:    sink.goLive,
		Waiting: func(time.Time) { live.waiting() },
	}
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	genErr := make(chan error, 1)
	go func() {
		_, err := generate.Run(genCtx, gen, sink, genOpt)
		genErr <- err
	}()
	// stopAll stops the generator, then the pipeline (its final flush); on
	// Ctrl-C what was cut short by it is no error.
	stopAll := func() error {
		stopGen()
		gerr := <-genErr
		stopRun()
		rerr := <-runErr
		if ctx.Err() != nil && errors.Is(gerr, context.Canceled) {
			gerr = nil
		}
		return errors.Join(gerr, rerr)
	}

	select {
	case <-sink.histDone:
	case <-ctx.Done():
		bar.Abort()
		return stopAll()
	case err := <-runErr:
		bar.Abort()
		stopGen()
		<-genErr
		return fmt.Errorf("pipeline stopped: %w", err)
	case err := <-genErr:
		bar.Abort()
		stopRun()
		<-runErr
		return fmt.Errorf("generate the history: %w", err)
	}
	if sink.histErr != nil {
		bar.Abort()
		stopAll()
		return sink.histErr
	}
	debug.SetGCPercent(gcPercent)
	total := loaded.Load()
	bar.Update(int64(gen.Days), 0, fmt.Sprintf("%s events loaded", progress.Count(total)))
	bar.Done()
	// Seal the closed history now (what the refreshable views do by
	// themselves once a minute after a grace period): the dashboards' range
	// queries read sealed rows fast.
	tSeal := time.Now()
	if _, err := seal.Now(ctx, conn, conn.Database, env.Log); err != nil {
		if ctx.Err() != nil {
			return stopAll()
		}
		env.Log.Warn("seal the loaded history (the views will do it within minutes)", "err", err)
	}
	env.Log.Info("history sealed", "took", time.Since(tSeal).Round(100*time.Millisecond))
	fmt.Fprintf(env.Stdout, "History loaded: %s events in %s; the dashboards have data, %s after start: %s/d/voc-executive\n",
		progress.Count(total), time.Since(tLoad).Round(100*time.Millisecond), time.Since(t0).Round(100*time.Millisecond), site.url)

	// The weekly report of the last complete week, written under the data
	// dir and served (the same built report) at /reports/WEEK.
	reportDir := filepath.Join(f.DataDir, "reports")
	week := site.reports.LatestWeek()
	reportErr := make(chan error, 1)
	go func() { reportErr <- writeDemoReport(ctx, site.reports, week, reportDir) }()

	fmt.Fprintf(env.Stdout, "Live trickle: today's events since 00:00, then in real time (about %d contacts/day), through Kafka and the pipeline ...\n", gen.ContactsPerDay)
	monitor, err := kafkasrc.NewGroupMonitor(kafkasrc.MonitorConfig{Brokers: []string{svc.Kafka.Addr}, GroupID: run.group}, prometheus.NewRegistry(), nil)
	if err != nil {
		stopAll()
		return err
	}
	defer monitor.Close()
	var reportLine string
	caughtUp := false
	for !caughtUp || reportErr != nil {
		select {
		case <-ctx.Done():
			return stopAll()
		case err := <-runErr:
			stopGen()
			<-genErr
			return fmt.Errorf("pipeline stopped: %w", err)
		case err := <-genErr:
			stopRun()
			<-runErr
			return fmt.Errorf("live trickle stopped: %w", err)
		case err := <-reportErr:
			reportErr = nil
			switch {
			case errors.Is(err, web.ErrNoReport):
				reportLine = fmt.Sprintf("no weekly report for %s: %v (give --days %d or more)", week, err, demoDaysForReport(time.Now(), zone))
			case err != nil:
				stopAll()
				return err
			default:
				reportLine = fmt.Sprintf("%s/reports/%s  (written to %s.html and .json)", site.url, week, filepath.Join(reportDir, week))
			}
			fmt.Fprintf(env.Stdout, "Weekly report %s: %s\n", week, reportLine)
		case <-time.After(500 * time.Millisecond):
			if !caughtUp && live.caughtUp() {
				caughtUp = demoIngested(ctx, monitor, env)
				if caughtUp {
					fmt.Fprintf(env.Stdout, "Live trickle caught up with the clock: %s messages through Kafka and the pipeline, %s after start.\n",
						progress.Count(live.written.Load()), time.Since(t0).Round(100*time.Millisecond))
				}
			}
		}
	}
	var rejects uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM rejects FINAL").Scan(&rejects); err != nil && ctx.Err() == nil {
		env.Log.Warn("count rejects", "err", err)
	}

	a := svc.State.Users[localenv.RoleAnalyst]
	out := env.Stdout
	fmt.Fprintf(out, "\nvoc demo is ready (%s after start; %d malformed messages dead-lettered to voc.dlq and the rejects table).\n", time.Since(t0).Round(100*time.Millisecond), rejects)
	fmt.Fprintf(out, "Dashboards (voc serve, as the read-only analyst):\n")
	for _, d := range demoDashboards {
		fmt.Fprintf(out, "  %-44s %s\n", site.url+"/d/"+d.uid, d.what)
	}
	fmt.Fprintf(out, "Weekly report:  %s\n", reportLine)
	fmt.Fprintf(out, "SQL page:       %s/sql  (runs as the read-only analyst)\n", site.url)
	fmt.Fprintf(out, "JSON API:       %s/api/metrics?names=fcr,csat,nps&by=channel&week=%s\n", site.url, week)
	fmt.Fprintf(out, "ClickHouse as the analyst (user %s, password in %s):\n", a.User, a.PasswordFile)
	fmt.Fprintf(out, "  clickhouse client --host %s --port %s --user %s --password \"$(cat %s)\" --database voc\n", hostOf(svc.State.ClickHouse), portOf(svc.State.ClickHouse), a.User, a.PasswordFile)
	fmt.Fprintf(out, "  curl -u %s:\"$(cat %s)\" '%s' --data-binary 'SELECT channel, count() FROM contacts GROUP BY channel'\n", a.User, a.PasswordFile, a.HTTP)
	fmt.Fprintf(out, "Export:         voc export --table contacts --from %s --format parquet --out contacts.parquet\n", historyEnd.AddDate(0, 0, -7).Format(time.DateOnly))
	fmt.Fprintf(out, "Pipeline:       http://%s/metrics\n", opsAddr)
	fmt.Fprintf(out, "Grafana:        voc dashboards export --out DIR (JSON + provisioning for a Grafana you run)\n")
	if m.exitAfter {
		return stopAll()
	}
	fmt.Fprintln(out, "The trickle goes on in real time; serving until Ctrl-C.")
	select {
	case <-ctx.Done():
	case err := <-runErr:
		stopGen()
		<-genErr
		return fmt.Errorf("pipeline stopped: %w", err)
	case err := <-genErr:
		stopRun()
		<-runErr
		return fmt.Errorf("live trickle stopped: %w", err)
	}
	fmt.Fprintln(out, "Stopping: the generator, the pipeline (final flush), the web application, Kafka and ClickHouse ...")
	return stopAll()
}

// demoDaysForReport is the least --days whose history holds the last
// complete week.
func demoDaysForReport(now time.Time, zone *time.Location) int {
	w := report.LastComplete(now, zone)
	today := now.In(generate.Shanghai)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, generate.Shanghai)
	return int(midnight.Sub(w.Start()).Hours()/24 + 0.999)
}

// demoIngested: the pipeline has committed everything produced to Kafka
// (it commits after writing to ClickHouse).
func demoIngested(ctx context.Context, monitor *kafkasrc.GroupMonitor, env *Env) bool {
	st, err := monitor.Poll(ctx)
	if err != nil {
		if ctx.Err() == nil {
			env.Log.Debug("look at the consumer group", "err", err)
		}
		return false
	}
	for _, p := range st.Partitions {
		if p.Lag > 0 || (p.End > 0 && p.Committed < p.End) {
			return false
		}
	}
	return true
}

// demoSite is the demo's voc serve.
type demoSite struct {
	url     string
	reports *web.Reports
	stop    func()
}

// startDemoWeb serves voc's web application on l as the analyst of svc.
func startDemoWeb(ctx context.Context, env *Env, svc *localenv.Services, l net.Listener, zone *time.Location, lang string) (*demoSite, error) {
	opts, err := localenv.ClickHouseOptions(svc.ClickHouse.AnalystDSN("voc"), env.Getenv)
	if err != nil {
		return nil, err
	}
	opts.Auth.Password = svc.ClickHouse.Analyst.Password
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse %v as the analyst: %w", opts.Addr, err)
	}
	reports := web.NewReports(conn, web.ReportsConfig{Zone: zone, TTL: 10 * time.Minute, Options: report.Options{Lang: lang, Log: env.Log}})
	srv, err := web.New(web.Config{Addr: l.Addr().String(), Conn: conn, Database: opts.Auth.Database, Reports: reports, Zone: zone, Log: env.Log})
	if err != nil {
		conn.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, l) }()
	site := &demoSite{url: "http://" + l.Addr().String(), reports: reports}
	site.stop = func() {
		cancel()
		if err := <-done; err != nil {
			env.Log.Warn("voc serve stopped", "err", err)
		}
		conn.Close()
	}
	env.Log.Info("voc serve ready", "url", site.url+"/", "clickhouse_user", opts.Auth.Username)
	return site, nil
}

// writeDemoReport builds week's report (kept by reports, so that the page
// serves the same one) and writes it as DIR/WEEK.html and .json.
func writeDemoReport(ctx context.Context, reports *web.Reports, week, dir string) error {
	r, err := reports.Build(ctx, week)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, format := range []string{report.FormatHTML, report.FormatJSON} {
		path := filepath.Join(dir, week+"."+format)
		if err := writeFileAtomic(path, func(w io.Writer) error { return report.Render(w, r, format) }); err != nil {
			return err
		}
	}
	return nil
}

// demoSink routes the generator's messages: the history to the direct
// loader until the generator says it is live, then to Kafka. Write, goLive
// and Close are called from the generator's goroutine.
type demoSink struct {
	hist     generate.Sink
	live     *liveSink
	isLive   bool
	histErr  error
	histDone chan struct{} // closed when the history is written (histErr says how)
}

func (d *demoSink) Write(ctx context.Context, topic string, key, value []byte) error {
	if !d.isLive {
		return d.hist.Write(ctx, topic, key, value)
	}
	return d.live.Write(ctx, topic, key, value)
}

func (d *demoSink) goLive() {
	d.isLive = true
	d.histErr = d.hist.Close()
	close(d.histDone)
}

func (d *demoSink) Close() error {
	var err error
	if !d.isLive {
		d.isLive = true
		err = d.hist.Close()
		d.histErr = err
		close(d.histDone)
	}
	return errors.Join(err, d.live.Close())
}

// liveSink passes messages to Kafka: batched while catching up with the
// clock, one by one once the generator has had to wait for it, so that
// written counts only what Kafka acknowledged.
type liveSink struct {
	producer *kafkasrc.Producer
	buf      []kafkago.Message
	mu       sync.Mutex // buf: the history's invalid messages come from the loader
	live     atomic.Bool
	written  atomic.Int64
}

func (l *liveSink) Write(ctx context.Context, topic string, key, value []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, kafkago.Message{Topic: topic, Key: bytes.Clone(key), Value: bytes.Clone(value)})
	if len(l.buf) >= 500 || l.live.Load() {
		return l.flushLocked(ctx)
	}
	return nil
}

// waiting: the generator has written everything up to the clock.
func (l *liveSink) waiting() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.flushLocked(context.Background()) // an error comes back with the next Write
	l.live.Store(true)
}

func (l *liveSink) caughtUp() bool { return l.live.Load() }

func (l *liveSink) flushLocked(ctx context.Context) error {
	if len(l.buf) == 0 {
		return nil
	}
	if err := l.producer.WriteMessages(ctx, l.buf...); err != nil {
		return fmt.Errorf("produce the live trickle: %w", err)
	}
	l.written.Add(int64(len(l.buf)))
	l.buf = l.buf[:0]
	return nil
}

func (l *liveSink) Close() error {
	l.mu.Lock()
	err := l.flushLocked(context.Background())
	l.mu.Unlock()
	return errors.Join(err, l.producer.Close())
}

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

func portOf(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return p
}

// demoOpsAddr serves the demo pipeline's /metrics (VOC_DEMO_OPS_ADDR overrides).
const demoOpsAddr = "127.0.0.1:9108"

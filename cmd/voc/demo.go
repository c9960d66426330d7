package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/localenv"
	"github.com/voc-analytics/voc/internal/progress"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func init() {
	register(&command{
		Name:    "demo",
		Summary: "everything embedded: ClickHouse + Kafka, 4 weeks of generated history loaded, a live trickle through Kafka and the pipeline, headline figures and where to connect",
		Usage:   "[flags]",
		New:     func() Invocation { return newDemoMain() },
	})
}

// demoMain is one run of `voc demo`.
type demoMain struct {
	local     localenv.Config
	gen       generate.Config
	exitAfter bool
}

func newDemoMain() *demoMain {
	m := &demoMain{local: defaultLocalConfig(), gen: generate.DefaultConfig()}
	m.local.KafkaInMemory = true
	m.gen.Days, m.gen.ContactsPerDay, m.gen.MalformedRate = 28, 1500, 0.002
	return m
}

func (m *demoMain) Flags(fs *flag.FlagSet) {
	f, gen := &m.local, &m.gen
	fs.StringVar(&f.DataDir, "data-dir", f.DataDir, "data directory (default $VOC_DATA_DIR/demo, else ~/.local/share/voc/demo); wiped at start")
	fs.IntVar(&f.ClickHousePort, "clickhouse-port", f.ClickHousePort, "ClickHouse native port (0 = free port)")
	fs.IntVar(&f.HTTPPort, "http-port", f.HTTPPort, "ClickHouse HTTP port (0 = free port)")
	fs.IntVar(&f.KafkaPort, "kafka-port", f.KafkaPort, "Kafka port (0 = free port)")
	fs.IntVar(&gen.Days, "days", gen.Days, "days of history, up to today 00:00 (Asia/Shanghai); today's events follow live")
	fs.IntVar(&gen.ContactsPerDay, "contacts-per-day", gen.ContactsPerDay, "contacts per day")
	fs.Float64Var(&gen.MalformedRate, "malformed-rate", gen.MalformedRate, "share of malformed messages, to show the dead-letter path")
	fs.BoolVar(&m.exitAfter, "exit", m.exitAfter, "exit once the live trickle has caught up with the clock and the figures are printed, instead of serving until interrupted")
}

func (m *demoMain) Run(ctx context.Context, env *Env, args []string) error {
	return runDemo(ctx, env, m.local, m.gen, m.exitAfter)
}

func runDemo(ctx context.Context, env *Env, f localenv.Config, gen generate.Config, exitAfter bool) error {
	t0 := time.Now()
	if f.DataDir == "" {
		f.DataDir = filepath.Join(localenv.DataDir(env.Getenv), "demo")
	}
	// A second demo starts clean: the previous one's data goes.
	if err := os.RemoveAll(f.DataDir); err != nil {
		return fmt.Errorf("wipe demo data dir %s: %w", f.DataDir, err)
	}
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

	// History: the generator's days up to today 00:00 (Asia/Shanghai),
	// written straight through the pipeline's decode, enrichment and sink
	// (internal/genload), which is much faster than through Kafka.
	if gen.Start.IsZero() || gen.Start.Equal(generate.DefaultConfig().Start) {
		today := time.Now().In(generate.Shanghai)
		gen.Start = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, generate.Shanghai).AddDate(0, 0, -gen.Days)
	}
	historyEnd := gen.Start.AddDate(0, 0, gen.Days)
	fmt.Fprintf(env.Stdout, "\nLoading %d days of history (%s to %s, %d contacts/day) with text analytics ...\n",
		gen.Days, gen.Start.Format(time.DateOnly), historyEnd.AddDate(0, 0, -1).Format(time.DateOnly), gen.ContactsPerDay)
	enricher, err := newEnricher(defaultEnrich)
	if err != nil {
		return err
	}
	bar := progress.New(ctx, env.Stderr, env.Log, "history", progress.Options{Unit: "events"})
	hist := gen
	hist.MalformedRate = 0 // bad input goes through Kafka below, to show the dead-letter path
	tLoad := time.Now()
	sum, err := genload.Load(ctx, conn, hist, enricher, genload.Options{Progress: func(n int64) {
		rate := float64(n) / max(time.Since(tLoad).Seconds(), 1e-9)
		bar.Update(n, 0, fmt.Sprintf("%s events/s", progress.Count(int64(rate))))
	}})
	if err != nil {
		bar.Abort()
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	bar.Done()
	fmt.Fprintf(env.Stdout, "History loaded: %d events in %s; analyst views have data %s after start.\n",
		sumValues(sum.Events), time.Since(tLoad).Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))

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
	liveStart := time.Now()
	go func() { runErr <- run.Run(runCtx, env, nil) }()

	// The live trickle: the same generator (same seed, so the same world)
	// from today 00:00 on, in real time, into Kafka, as voc generate
	// --follow does; what the history already holds is skipped.
	producer, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{svc.Kafka.Addr}, BatchSize: 500, AllowAutoTopicCreation: true})
	if err != nil {
		return err
	}
	live := &liveSink{producer: producer, after: historyEnd, started: time.Now()}
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	genErr := make(chan error, 1)
	go func() {
		_, err := generate.Run(genCtx, gen, live, generate.Options{Follow: true})
		genErr <- err
	}()
	fmt.Fprintf(env.Stdout, "Live trickle: today's events since 00:00, then in real time (about %d contacts/day), through Kafka and the pipeline ...\n", gen.ContactsPerDay)
	// Wait until the trickle has caught up with the clock and the pipeline
	// has written all of it (rows written since the pipeline started).
	liveRows := `SELECT (SELECT count() FROM contact_events FINAL WHERE ingested_at >= {since:DateTime64(3, 'UTC')})
		+ (SELECT count() FROM messages FINAL WHERE ingested_at >= {since:DateTime64(3, 'UTC')})
		+ (SELECT count() FROM ticket_events FINAL WHERE ingested_at >= {since:DateTime64(3, 'UTC')})
		+ (SELECT count() FROM survey_events FINAL WHERE ingested_at >= {since:DateTime64(3, 'UTC')})
		+ (SELECT count() FROM suggestion_events FINAL WHERE ingested_at >= {since:DateTime64(3, 'UTC')})
		+ (SELECT count() FROM rejects FINAL WHERE rejected_at >= {since:DateTime64(3, 'UTC')})`
	sinceCtx := clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"since": liveStart.UTC().Format("2006-01-02 15:04:05.000")}))
	for {
		caughtUp := live.caughtUp(2 * time.Second)
		var got uint64
		if caughtUp {
			if err := conn.QueryRow(sinceCtx, liveRows).Scan(&got); err != nil && ctx.Err() == nil {
				env.Log.Warn("count ingested rows", "err", err)
			}
		}
		if caughtUp && int64(got) >= live.written.Load() {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-runErr:
			return fmt.Errorf("pipeline stopped: %w", err)
		case err := <-genErr:
			if err != nil {
				return fmt.Errorf("live trickle stopped: %w", err)
			}
		case <-time.After(500 * time.Millisecond):
		}
	}
	fmt.Fprintf(env.Stdout, "Ingested everything: history plus %d live messages (%d malformed, dead-lettered) in %s.\n\n",
		live.written.Load(), live.malformed.Load(), time.Since(t0).Round(time.Millisecond))
	if err := printHeadlines(ctx, env, conn); err != nil {
		return err
	}
	a := svc.State.Users[localenv.RoleAnalyst]
	fmt.Fprintf(env.Stdout, "\nSQL as the read-only analyst (any ClickHouse client, or curl):\n  curl -u %s:\"$(cat %s)\" '%s' --data-binary 'SELECT channel, count() FROM contacts GROUP BY channel'\n", a.User, a.PasswordFile, a.HTTP)
	fmt.Fprintf(env.Stdout, "  clickhouse client --host %s --port %s --user %s --password \"$(cat %s)\" --database voc\n", hostOf(svc.State.ClickHouse), portOf(svc.State.ClickHouse), a.User, a.PasswordFile)
	fmt.Fprintf(env.Stdout, "Export for notebooks:  voc export --table contacts --from %s --out contacts.parquet\n", historyEnd.AddDate(0, 0, -7).Format(time.DateOnly))
	fmt.Fprintf(env.Stdout, "Pipeline metrics:      http://%s/metrics\n", opsAddr)
	fmt.Fprintf(env.Stdout, "Grafana dashboards:    voc dashboards export --out DIR (JSON + provisioning for a Grafana you run)\n")
	if exitAfter {
		return nil
	}
	fmt.Fprintln(env.Stdout, "The trickle goes on in real time; serving until Ctrl-C.")
	select {
	case <-ctx.Done():
	case err := <-runErr:
		return err
	case err := <-genErr:
		if err != nil {
			return err
		}
		<-ctx.Done()
	}
	stopGen()
	<-genErr
	stopRun()
	return <-runErr
}

// liveSink passes the generator's messages dated from after on (a
// malformed copy follows its original, so it goes with it) to Kafka:
// batched while catching up with the clock, one by one once live, so that
// written counts only what Kafka acknowledged.
type liveSink struct {
	producer  *kafkasrc.Producer
	after     time.Time
	passing   bool
	lastAt    time.Time
	buf       []kafkago.Message
	started   time.Time
	written   atomic.Int64
	malformed atomic.Int64
	lastWrite atomic.Int64 // unix nanoseconds of the last message produced
}

func (l *liveSink) Write(ctx context.Context, topic string, key, value []byte) error {
	var probe struct {
		OccurredAt time.Time `json:"occurred_at"`
	}
	if err := json.Unmarshal(value, &probe); err == nil && !probe.OccurredAt.IsZero() {
		l.passing, l.lastAt = !probe.OccurredAt.Before(l.after), probe.OccurredAt
	} else if l.passing {
		l.malformed.Add(1)
	}
	if !l.passing {
		return nil
	}
	l.buf = append(l.buf, kafkago.Message{Topic: topic, Key: key, Value: value})
	if len(l.buf) >= 500 || time.Since(l.lastAt) < time.Minute {
		return l.flush(ctx)
	}
	return nil
}

func (l *liveSink) flush(ctx context.Context) error {
	if len(l.buf) == 0 {
		return nil
	}
	if err := l.producer.WriteMessages(ctx, l.buf...); err != nil {
		return fmt.Errorf("produce the live trickle: %w", err)
	}
	l.written.Add(int64(len(l.buf)))
	l.lastWrite.Store(time.Now().UnixNano())
	l.buf = l.buf[:0]
	return nil
}

func (l *liveSink) Close() error {
	err := l.flush(context.Background())
	return errors.Join(err, l.producer.Close())
}

// caughtUp: nothing passed for quiet (the generator waits for the clock),
// or nothing has passed at all yet and quiet has gone by since.
func (l *liveSink) caughtUp(quiet time.Duration) bool {
	last := l.lastWrite.Load()
	if last == 0 {
		return time.Since(l.started) > 15*quiet // e.g. just after midnight: nothing yet today
	}
	return time.Since(time.Unix(0, last)) > quiet
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

func sumValues(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// printHeadlines prints a few figures straight from the analyst views.
func printHeadlines(ctx context.Context, env *Env, conn clickhouse.Conn) error {
	queries := []struct{ title, sql string }{
		{"contacts by channel", `SELECT channel, count() AS contacts, round(100 * count() / sum(count()) OVER (), 1) AS pct,
			round(avgIf(wait_seconds, wait_seconds IS NOT NULL) / 60, 1) AS avg_wait_min, round(avg(transfers), 2) AS transfers_per_contact,
			round(100 * avg(abandoned), 1) AS abandoned_pct FROM contacts GROUP BY channel ORDER BY contacts DESC`},
		{"surveys", `SELECT count() AS answered, round(100 * avg(satisfied), 1) AS csat_4_5_pct, round(avg(csat), 2) AS avg_csat,
			round(100 * avg(solved), 1) AS solved_pct, round(100 * (countIf(nps_group = 'promoter') - countIf(nps_group = 'detractor')) / count(), 1) AS nps FROM survey_answers`},
		{"tickets", `SELECT category, count() AS tickets, round(100 * avg(sla_breached), 1) AS sla_breached_pct, round(avg(resolution_hours), 1) AS avg_resolution_h,
			countIf(max_escalation_level >= 2) AS escalated_2plus FROM tickets GROUP BY category ORDER BY tickets DESC`},
		{"top service categories", `SELECT service_category, count() AS contacts FROM contacts WHERE service_category != '' GROUP BY service_category ORDER BY contacts DESC LIMIT 8`},
		{"suggestion board", `SELECT count() AS posts, sum(endorsements) AS endorsements, countIf(status = 'adopted') AS adopted FROM suggestion_posts`},
		{"rejects", `SELECT reason, count() AS messages FROM rejects FINAL GROUP BY reason ORDER BY messages DESC`},
	}
	for _, q := range queries {
		rows, err := conn.Query(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("%s: %w", q.title, err)
		}
		fmt.Fprintf(env.Stdout, "== %s\n", q.title)
		tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
		cols := rows.Columns()
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		for rows.Next() {
			vals := make([]any, len(cols))
			for i, ct := range rows.ColumnTypes() {
				vals[i] = newScanValue(ct.ScanType())
			}
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return err
			}
			cells := make([]string, len(vals))
			for i, v := range vals {
				cells[i] = fmt.Sprint(deref(v))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		rows.Close()
		tw.Flush()
		if err := rows.Err(); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return nil
}

// demoOpsAddr serves the demo pipeline's /metrics (VOC_DEMO_OPS_ADDR overrides).
const demoOpsAddr = "127.0.0.1:9108"

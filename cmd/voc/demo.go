package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/localenv"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

func init() {
	register(&command{
		Name:    "demo",
		Summary: "everything embedded: ClickHouse + Kafka, realistic data generated into Kafka, ingested by the pipeline, headline figures printed",
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
	m.gen.Days, m.gen.ContactsPerDay, m.gen.MalformedRate = 14, 5000, 0.001
	return m
}

func (m *demoMain) Flags(fs *flag.FlagSet) {
	f, gen := &m.local, &m.gen
	fs.StringVar(&f.DataDir, "data-dir", f.DataDir, "data directory (default $VOC_DATA_DIR/demo, else ~/.local/share/voc/demo); wiped at start")
	fs.IntVar(&f.ClickHousePort, "clickhouse-port", f.ClickHousePort, "ClickHouse native port (0 = free port)")
	fs.IntVar(&f.HTTPPort, "http-port", f.HTTPPort, "ClickHouse HTTP port (0 = free port)")
	fs.IntVar(&f.KafkaPort, "kafka-port", f.KafkaPort, "Kafka port (0 = free port)")
	fs.IntVar(&gen.Days, "days", gen.Days, "days of history to generate")
	fs.IntVar(&gen.ContactsPerDay, "contacts-per-day", gen.ContactsPerDay, "contacts per day")
	fs.Float64Var(&gen.MalformedRate, "malformed-rate", gen.MalformedRate, "share of malformed messages, to show the dead-letter path")
	fs.BoolVar(&m.exitAfter, "exit", m.exitAfter, "exit after printing the figures instead of serving until interrupted")
}

func (m *demoMain) Run(ctx context.Context, env *Env, args []string) error {
	return runDemo(ctx, env, m.local, m.gen, m.exitAfter)
}

func runDemo(ctx context.Context, env *Env, f localenv.Config, gen generate.Config, exitAfter bool) error {
	if f.DataDir == "" {
		f.DataDir = filepath.Join(localenv.DataDir(env.Getenv), "demo")
	}
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
	runErr := make(chan error, 1)
	go func() { runErr <- run.Run(runCtx, env, nil) }()

	t0 := time.Now()
	fmt.Fprintf(env.Stdout, "\nGenerating %d days x %d contacts/day from %s into Kafka ...\n", gen.Days, gen.ContactsPerDay, gen.Start.Format(time.DateOnly))
	sink, err := generate.NewKafkaSink([]string{svc.Kafka.Addr}, 1000)
	if err != nil {
		return err
	}
	sum, err := generate.Run(ctx, gen, sink, generate.Options{})
	if err != nil {
		return fmt.Errorf("generate demo data: %w", err)
	}
	var produced int64
	for _, n := range sum.Events {
		produced += n
	}
	for _, n := range sum.Malformed {
		produced += n
	}
	fmt.Fprintf(env.Stdout, "Produced %d messages (%d malformed) in %s; ingesting ...\n", produced, produced-sumValues(sum.Events), time.Since(t0).Round(time.Millisecond))

	conn, err := openClickHouse(ctx, env, svc.State.ClickHouseDSN, false)
	if err != nil {
		return err
	}
	defer conn.Close()
	for {
		var got uint64
		err := conn.QueryRow(ctx, chsink.CountQuery(chsink.Tables, true)).Scan(&got)
		if err != nil && ctx.Err() == nil {
			env.Log.Warn("count ingested rows", "err", err)
		}
		if int64(got) >= produced {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-runErr:
			return fmt.Errorf("pipeline stopped: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	fmt.Fprintf(env.Stdout, "Ingested everything in %s (generation + ingestion).\n\n", time.Since(t0).Round(time.Millisecond))
	if err := printHeadlines(ctx, env, conn); err != nil {
		return err
	}
	a := svc.State.Users[localenv.RoleAnalyst]
	fmt.Fprintf(env.Stdout, "\nQuery the data as the read-only analyst: curl -u %s:\"$(cat %s)\" '%s' --data-binary 'SELECT channel, count() FROM contacts GROUP BY channel'\n", a.User, a.PasswordFile, a.HTTP)
	fmt.Fprintf(env.Stdout, "Pipeline metrics: http://%s/metrics. Dashboards, weekly report and SQL: run 'voc serve' in another terminal (http://127.0.0.1:8080/).\n", opsAddr)
	if exitAfter {
		return nil
	}
	fmt.Fprintln(env.Stdout, "Serving until Ctrl-C.")
	select {
	case <-ctx.Done():
	case err := <-runErr:
		return err
	}
	stopRun()
	return <-runErr
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

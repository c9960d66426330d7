package bench

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/metrics"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestQueryBenchSealedAgreesWithBaseline fills a small history into the
// current schema (sealing after each of 6 time-ordered chunks) and into the
// schema before migration 0010 (contacts_agg read with FINAL), then checks
// that the contacts view and every metric of the registry give the same
// answer on both: sealing moves rows, it never changes a result.
func TestQueryBenchSealedAgreesWithBaseline(t *testing.T) {
	ctx := context.Background()
	srv := testenv.Server(t)
	cfg := DefaultQueryConfig()
	cfg.Contacts, cfg.Days, cfg.Chunks = 3000, 42, 6
	cfg.Cold, cfg.Warm = 1, 1
	cfg.Database, cfg.Keep = "bench_agree", true
	cfg.Only = []string{"analyst/asa_by_channel"}
	res, err := Query(ctx, testenv.Options(srv, "default"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	after, before := openDB(t, srv, cfg.Database), openDB(t, srv, cfg.Database+"_before")
	t.Cleanup(func() {
		_ = after.Exec(context.Background(), "DROP DATABASE IF EXISTS "+cfg.Database+" SYNC")
		_ = after.Exec(context.Background(), "DROP DATABASE IF EXISTS "+cfg.Database+"_before SYNC")
	})
	if got := res.Counts["contacts"]; got != 3000 {
		t.Errorf("contacts view holds %d contacts, want 3000", got)
	}
	var sealed, pending uint64
	if err := after.QueryRow(ctx, "SELECT (SELECT count() FROM contacts_sealed FINAL WHERE contact_id != '' AND sealed_at > 0), (SELECT count() FROM contacts_pending)").Scan(&sealed, &pending); err != nil {
		t.Fatal(err)
	}
	if sealed != 3000 || pending != 0 {
		t.Errorf("sealed %d, pending %d: want every contact sealed", sealed, pending)
	}
	if len(res.Queries) != 1 || res.Queries[0].After.Err != "" || res.Queries[0].Before == nil || res.Queries[0].Before.Err != "" {
		t.Errorf("measured queries: %+v", res.Queries)
	}

	const cols = "contact_id, customer_id, channel, product_model, arraySort(customer_tags), vip_level, language, started_at, queued_at, answered_at, ended_at, abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds, transfers, cross_team_transfers, agents, bot_handoff, resolved_flag, service_category, ticket_id, customer_messages, agent_messages, bot_messages, first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, round(sentiment_shift, 4), arraySort(topics)"
	a, b := dump(t, after, "SELECT "+cols+" FROM contacts ORDER BY contact_id"), dump(t, before, "SELECT "+cols+" FROM contacts ORDER BY contact_id")
	if len(a) != 3000 || !reflect.DeepEqual(a, b) {
		t.Errorf("contacts view: %d rows sealed, %d before; first difference: %s", len(a), len(b), firstDiff(a, b))
	}
	spec := FillSpec{Contacts: cfg.Contacts, Start: cfg.Start, Days: cfg.Days}
	reg := metrics.Default()
	for _, m := range reg.List() {
		q := metrics.Query{Metrics: []string{m.Name}, From: spec.Start, To: spec.End().AddDate(0, 0, 10), Now: spec.End().AddDate(0, 0, 10), By: []string{"channel"}}
		if !dimsOK(m, "channel") {
			q.By = nil
		}
		ra, err := reg.Run(ctx, after, q)
		if err != nil {
			t.Errorf("%s on the sealed schema: %v", m.Name, err)
			continue
		}
		rb, err := reg.Run(ctx, before, q)
		if err != nil {
			t.Errorf("%s before 0010: %v", m.Name, err)
			continue
		}
		if !reflect.DeepEqual(ra.Rows, rb.Rows) {
			t.Errorf("%s: sealed %v, before %v", m.Name, ra.Rows, rb.Rows)
		}
	}
}

func dimsOK(m *metrics.Metric, d string) bool {
	for _, x := range m.Dimensions {
		if x == d {
			return true
		}
	}
	return false
}

func openDB(t *testing.T, srv *chlocal.Server, db string) clickhouse.Conn {
	t.Helper()
	c, err := clickhouse.Open(testenv.Options(srv, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dump(t *testing.T, c clickhouse.Conn, q string) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), "SELECT toString(tuple(*)) FROM ("+q+")")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d:\n  sealed %s\n  before %s", i, a[i], b[i])
		}
	}
	return "(one is a prefix of the other)"
}

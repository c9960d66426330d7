package dashboards

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/testenv"
)

func TestRowsStatementKeepsValuesOutOfSQL(t *testing.T) {
	q := &RowsQuery{Name: "t", Limit: 5, SQL: "SELECT 1 FROM x WHERE t >= $from AND t < $to AND $in(channel, c) AND $has(topic, ts) LIMIT $limit"}
	evil := "app') OR 1=1 --"
	sql, params, err := q.Statement(RowsArgs{Filters: map[string][]string{"channel": {evil}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sql, evil) || strings.Contains(sql, "app") {
		t.Fatalf("a filter value reached the SQL text: %s", sql)
	}
	want := "SELECT 1 FROM x WHERE t >= {from:DateTime64(3, 'UTC')} AND t < {to:DateTime64(3, 'UTC')} AND (empty({f_channel:Array(String)}) OR c IN {f_channel:Array(String)}) AND (empty({f_topic:Array(String)}) OR hasAny(ts, {f_topic:Array(String)})) LIMIT {limit:UInt32}"
	if sql != want {
		t.Errorf("Statement SQL\n got %s\nwant %s", sql, want)
	}
	if params["f_channel"] != `['app\') OR 1=1 --']` || params["f_topic"] != "[]" || params["limit"] != "5" {
		t.Errorf("params %v", params)
	}
	g, err := q.GrafanaSQL()
	if err != nil {
		t.Fatal(err)
	}
	wantG := "SELECT 1 FROM x WHERE t >= $__fromTime AND t < $__toTime AND $__conditionalAll(c IN (${channel:singlequote}), $channel) AND $__conditionalAll(hasAny(ts, [${topic:singlequote}]), $topic) LIMIT 5"
	if g != wantG {
		t.Errorf("GrafanaSQL\n got %s\nwant %s", g, wantG)
	}
	if got := q.Dimensions(); !reflect.DeepEqual(got, []string{"channel", "topic"}) {
		t.Errorf("Dimensions = %v", got)
	}
}

// TestOnGeneratedHistory loads generated history once and runs every rows
// query and every panel on it.
func TestOnGeneratedHistory(t *testing.T) {
	db := testenv.NewDB(t)
	loadGenerated(t, db, 300)
	// Grafana and voc serve read as the read-only analyst: so do the tests.
	analyst, err := clickhouse.Open(db.AnalystOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer analyst.Close()
	t.Run("rows queries", func(t *testing.T) { testRowsQueries(t, analyst) })
	t.Run("panels", func(t *testing.T) { testEveryPanel(t, analyst) })
}

// testRowsQueries runs every rows query on generated history both ways —
// with query parameters and as Grafana would after expanding its macros —
// and checks they return the same rows, with and without filters.
func testRowsQueries(t *testing.T, conn driver.Conn) {
	ctx := context.Background()
	filters := []map[string][]string{
		nil,
		{"channel": {"app", "phone"}, "topic": {"remote", "display"}},
	}
	for _, q := range AllRows() {
		for _, f := range filters {
			name := q.Name
			if f != nil {
				name += "/filtered"
			}
			t.Run(name, func(t *testing.T) {
				args := RowsArgs{From: demoStart, To: demoEnd, Filters: f}
				viaParams, err := q.Run(ctx, conn, args)
				if err != nil {
					t.Fatal(err)
				}
				if len(viaParams.Rows) == 0 {
					t.Fatalf("no rows on %s..%s", args.From, args.To)
				}
				vars := map[string][]string{}
				for _, d := range q.Dimensions() {
					vars[d] = f[d]
				}
				gsql, err := q.GrafanaSQL()
				if err != nil {
					t.Fatal(err)
				}
				sql, err := Expand(gsql, MacroEnv{From: args.From, To: args.To, Vars: vars})
				if err != nil {
					t.Fatal(err)
				}
				viaGrafana, err := (&RowsQuery{Name: q.Name, SQL: sql}).Run(ctx, conn, RowsArgs{})
				if err != nil {
					t.Fatalf("%v\n%s", err, sql)
				}
				if !reflect.DeepEqual(viaParams.Columns, viaGrafana.Columns) {
					t.Fatalf("columns differ: params %v, grafana %v", viaParams.Columns, viaGrafana.Columns)
				}
				if strings.Contains(q.SQL, "now") {
					// Ages relative to now() move between the two runs.
					if len(viaParams.Rows) != len(viaGrafana.Rows) {
						t.Fatalf("rows: params %d, grafana %d", len(viaParams.Rows), len(viaGrafana.Rows))
					}
				} else if !reflect.DeepEqual(viaParams.Rows, viaGrafana.Rows) {
					t.Fatalf("rows differ:\nparams  %v\ngrafana %v", head(viaParams.Rows), head(viaGrafana.Rows))
				}
				checkFiltered(t, viaParams, f)
			})
		}
	}
}

// checkFiltered asserts that every row shown respects the filters on the
// columns the row carries.
func checkFiltered(t *testing.T, res *RowsResult, f map[string][]string) {
	t.Helper()
	for ci, col := range res.Columns {
		var allowed []string
		switch col {
		case "channel", "product_model":
			allowed = f[col]
		case "issue_topics", "topic":
			allowed = f["topic"]
		}
		if len(allowed) == 0 {
			continue
		}
		for _, row := range res.Rows {
			v, _ := row[ci].(string)
			ok := false
			for _, a := range allowed {
				if col == "issue_topics" {
					ok = ok || strings.Contains(", "+v+",", " "+a+",")
				} else {
					ok = ok || v == a
				}
			}
			if !ok {
				t.Fatalf("row with %s %q passed the filter %v", col, v, allowed)
			}
		}
	}
}

func head(rows [][]any) [][]any {
	if len(rows) > 3 {
		return rows[:3]
	}
	return rows
}

package dashboards

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// columnInfo is a result column with its ClickHouse type.
type columnInfo struct{ name, typ string }

func (c columnInfo) numeric() bool {
	t := strings.TrimSuffix(strings.TrimPrefix(c.typ, "Nullable("), ")")
	return strings.HasPrefix(t, "Float") || strings.HasPrefix(t, "UInt") || strings.HasPrefix(t, "Int") || strings.HasPrefix(t, "Decimal")
}

// timeType accepts Nullable(DateTime): the plugin reads it as a nullable time field.
func (c columnInfo) timeType() bool {
	return strings.HasPrefix(strings.TrimPrefix(c.typ, "Nullable("), "DateTime")
}

func (c columnInfo) text() bool { return strings.Contains(c.typ, "String") }

// runTarget runs one expanded target and returns its columns and row count.
func runTarget(ctx context.Context, conn driver.Conn, sql string) ([]columnInfo, int, error) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var cols []columnInfo
	for _, ct := range rows.ColumnTypes() {
		cols = append(cols, columnInfo{ct.Name(), ct.DatabaseTypeName()})
	}
	n := 0
	for rows.Next() {
		n++
	}
	return cols, n, rows.Err()
}

// checkColumns says what is wrong with a target's columns for the panel
// that draws them, or "".
func checkColumns(p Panel, t target, cols []columnInfo, trend bool) string {
	byName := map[string]columnInfo{}
	numeric := 0
	for _, c := range cols {
		byName[c.name] = c
		if c.numeric() {
			numeric++
		}
	}
	if numeric == 0 {
		return fmt.Sprintf("no numeric column in %v", cols)
	}
	if t.timeSeries || trend {
		if c, ok := byName["time"]; !ok || !c.timeType() || cols[0].name != "time" {
			return fmt.Sprintf("a time series needs a first DateTime column \"time\", got %v", cols)
		}
	}
	need := p.By
	if p.Kind == KindHeatmap && len(p.By) == 1 && p.By[0] == "hour_of_week" {
		need = []string{"hour", "weekday"}
	}
	for _, d := range need {
		if c, ok := byName[d]; !ok || !c.text() {
			return fmt.Sprintf("dimension column %q (text) missing from %v", d, cols)
		}
	}
	switch p.Kind {
	case KindStat, KindGauge:
		if len(p.By) > 0 {
			return "a stat or gauge is not grouped"
		}
		if p.WoW {
			if _, ok := byName[wowField]; !ok {
				return fmt.Sprintf("no %q column in %v", wowField, cols)
			}
		}
	case KindBar:
		if len(p.By) > 0 && !byName[p.By[0]].text() {
			return fmt.Sprintf("a bar chart needs its category %q first, got %v", p.By[0], cols)
		}
	}
	return ""
}

// testEveryPanel expands every panel's Grafana SQL for a fixed range, as
// Grafana and the ClickHouse plugin would, runs it on generated history and
// checks the columns its kind of panel needs and that it returns rows; then
// again with every variable set.
func testEveryPanel(t *testing.T, conn driver.Conn) {
	ctx := context.Background()
	if pending := Pending(); len(pending) > 0 {
		for _, p := range pending {
			t.Logf("left out until the registry has %v: %s / %s", p.Missing, p.Dashboard, p.Panel)
		}
	}
	filtered := map[string][]string{"channel": {"app", "phone"}, "product_model": {"E8N 65", "A7 Pro 55"}, "topic": {"remote", "display", "network-wifi"}}
	panels := 0
	for _, d := range All() {
		for _, p := range d.Panels {
			if p.PromQL != "" {
				continue
			}
			panels++
			t.Run(d.UID+"/"+p.Title, func(t *testing.T) {
				pq, err := panelQueries(p)
				if err != nil {
					t.Fatal(err)
				}
				if len(pq.targets) == 0 {
					t.Fatal("no targets")
				}
				interval := p.Bucket
				for _, vars := range []map[string][]string{nil, filtered} {
					for _, tg := range pq.targets {
						sql, err := Expand(tg.sql, MacroEnv{From: demoStart, To: demoEnd, Interval: interval, Vars: vars})
						if err != nil {
							t.Fatalf("target %s: %v\n%s", tg.refID, err, tg.sql)
						}
						t0 := time.Now()
						cols, n, err := runTarget(ctx, conn, sql)
						if err != nil {
							t.Fatalf("target %s: %v\n%s", tg.refID, err, sql)
						}
						if vars != nil {
							continue // filters may leave nothing; running is the check
						}
						t.Logf("target %s: %d rows in %s", tg.refID, n, time.Since(t0).Round(time.Millisecond))
						if n == 0 {
							t.Errorf("target %s returned no rows on %s..%s\n%s", tg.refID, demoStart, demoEnd, sql)
						}
						isTrend := p.Trend != "" && tg.refID == refID(len(pq.targets)-1)
						if problem := checkColumns(p, tg, cols, isTrend); problem != "" && !isCompanion(p, tg, pq) {
							t.Errorf("target %s: %s\n%s", tg.refID, problem, sql)
						}
					}
				}
			})
		}
	}
	if panels < 20 {
		t.Errorf("only %d panels ran", panels)
	}
}

// isCompanion reports whether tg is a companion query (its columns follow
// the main metric's dimensions, not the panel's kind).
func isCompanion(p Panel, tg target, pq queries) bool {
	return tg.refID != "A" && len(p.Metrics) == 1 && !(p.Trend != "" && tg.refID == refID(len(pq.targets)-1))
}

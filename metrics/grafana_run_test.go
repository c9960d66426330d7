package metrics_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/metrics"
)

// expandGrafana does what grafana-clickhouse-datasource v4 and Grafana do to
// a panel query: the time macros, $__conditionalAll (the condition, since the
// variable is set) and ${var:singlequote}.
func expandGrafana(sql string) string {
	r := strings.NewReplacer(
		"$__fromTime", "toDateTime(1762012800)", // 2026-11-02 00:00 +08
		"$__toTime", "toDateTime(1762617600)",
	)
	sql = r.Replace(sql)
	sql = regexp.MustCompile(`\$__timeInterval\(([^()]*)\)`).ReplaceAllString(sql, "toStartOfInterval($1, INTERVAL 3600 second)")
	sql = regexp.MustCompile(`\$\{(\w+):singlequote\}`).ReplaceAllString(sql, "'app','phone'")
	cond := regexp.MustCompile(`\$__conditionalAll\(`)
	for {
		loc := cond.FindStringIndex(sql)
		if loc == nil {
			return sql
		}
		// The condition runs to the comma before the variable at the same depth.
		depth, end := 1, -1
		for i := loc[1]; i < len(sql); i++ {
			switch sql[i] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					end = i
				}
			}
			if end >= 0 {
				break
			}
		}
		inner := sql[loc[1]:end]
		inner = inner[:strings.LastIndex(inner, ",")]
		sql = sql[:loc[0]] + inner + sql[end+1:]
	}
}

// TestGrafanaSQLRuns: every metric's Grafana form, grouped, filtered by a
// variable and as a time series, runs on the real ClickHouse.
func TestGrafanaSQLRunsOnClickHouse(t *testing.T) {
	db := testenv.NewDB(t)
	reg := metrics.Default()
	for _, m := range reg.List() {
		opts := []metrics.GrafanaOptions{{}}
		if has(m.Dimensions, "channel") {
			opts = append(opts,
				metrics.GrafanaOptions{By: []string{"channel"}, Variables: map[string]string{"channel": "channel"}},
				metrics.GrafanaOptions{TimeSeries: true, Variables: map[string]string{"channel": "channel"}})
		}
		for _, o := range opts {
			sql, err := reg.GrafanaSQL(m.Name, o)
			if err != nil {
				t.Errorf("%s %+v: %v", m.Name, o, err)
				continue
			}
			if strings.Contains(sql, "{from:") || strings.Contains(sql, "{{") {
				t.Errorf("%s: parameters or markers left:\n%s", m.Name, sql)
			}
			if len(o.Variables) > 0 && !strings.Contains(sql, "$__conditionalAll(") {
				t.Errorf("%s: no $__conditionalAll for the channel variable:\n%s", m.Name, sql)
			}
			if o.TimeSeries && !strings.Contains(sql, "$__timeInterval(") {
				t.Errorf("%s: time series without $__timeInterval:\n%s", m.Name, sql)
			}
			rows, err := db.Conn.Query(context.Background(), expandGrafana(sql))
			if err != nil {
				t.Errorf("%s %+v: %v\n%s", m.Name, o, err, expandGrafana(sql))
				continue
			}
			rows.Close()
		}
	}
}

func has(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

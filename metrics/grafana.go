package metrics

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// GrafanaOptions shape the Grafana form of a metric's SQL.
type GrafanaOptions struct {
	By         []string // dimensions to group by
	TimeSeries bool     // add a "time" column, $__timeInterval(TimeColumn), first
	// Variables maps a dimension to the dashboard variable that filters it;
	// the filter is skipped when the variable is All ($__conditionalAll).
	Variables map[string]string
}

// variableRef marks where a template variable's values go (see GrafanaSQL).
var variableRef = regexp.MustCompile("\x00([a-z_][a-z0-9_]*)\x00")

// grafanaTime is the time-bucket pseudo-dimension of a time series.
const grafanaTime = "time"

// GrafanaSQL returns metric's SQL for grafana-clickhouse-datasource: the
// range parameters become $__fromTime/$__toTime, filters become template
// variables, the metric's own parameters their defaults, and a time series
// gets a "time" column bucketed by $__timeInterval.
func (r *Registry) GrafanaSQL(metric string, opt GrafanaOptions) (string, error) {
	m, err := r.Get(metric)
	if err != nil {
		return "", err
	}
	q := Query{Metrics: []string{metric}, By: opt.By, Filters: map[string][]string{},
		From: time.Unix(0, 0), To: time.Unix(1, 0)}
	for d := range opt.Variables {
		q.Filters[d] = []string{"grafana"}
	}
	// A metric's companions (With) are not joined here: Grafana charts them
	// as separate queries on the same dimensions (GrafanaSQL of each) and
	// joins the frames itself.
	if _, _, err := r.validate(&q); err != nil {
		return "", err
	}
	if opt.TimeSeries {
		q.By = append([]string{grafanaTime}, q.By...)
	}
	st, err := r.build(m, q, func(dim, cond string) string {
		v := opt.Variables[dim]
		// The variable goes in after the parameters are replaced: ${v:singlequote}
		// would read as a query parameter {v:singlequote}.
		// {p} is the Array(String) of values: after IN a parenthesised list,
		// elsewhere (hasAny(tags, {p})) an array literal.
		cond = strings.ReplaceAll(cond, " IN {p}", " IN (\x00"+v+"\x00)")
		cond = strings.ReplaceAll(cond, "{p}", "[\x00"+v+"\x00]")
		return "$__conditionalAll(" + cond + ", $" + v + ")"
	})
	if err != nil {
		return "", err
	}
	sql := st.SQL
	repl := map[string]string{
		"from":      "$__fromTime",
		"to":        "$__toTime",
		"prev_from": "($__fromTime - toIntervalSecond(dateDiff('second', $__fromTime, $__toTime)))",
		"now":       "now64(3)",
		"tz":        quoteString(DefaultZone.String()),
		"limit":     fmt.Sprint(DefaultLimit),
	}
	var missing []string
	sql = paramRef.ReplaceAllStringFunc(sql, func(ref string) string {
		sub := paramRef.FindStringSubmatch(ref)
		if v, ok := repl[sub[1]]; ok {
			return v
		}
		// A metric's own parameters (or, for the quality index, its
		// components') take their defaults, typed as the SQL declares them.
		if v, ok := st.Params[sub[1]]; ok {
			return "CAST(" + quoteString(v) + " AS " + sub[2] + ")"
		}
		missing = append(missing, sub[1])
		return ref
	})
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", fmt.Errorf("metric %s: no Grafana form for parameters %s", metric, strings.Join(missing, ", "))
	}
	return variableRef.ReplaceAllString(sql, "$${${1}:singlequote}"), nil
}

package metrics_test

import (
	"strings"
	"testing"

	"github.com/voc-analytics/voc/metrics"
)

// TestGrafanaSQLVariables: filters become template variables inside
// $__conditionalAll, not query parameters, and the range becomes macros.
func TestGrafanaSQLVariables(t *testing.T) {
	reg := metrics.Default()
	sql, err := reg.GrafanaSQL("contacts", metrics.GrafanaOptions{By: []string{"channel"}, TimeSeries: true,
		Variables: map[string]string{"channel": "ch", "topic": "topic"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$__conditionalAll(c.channel IN (${ch:singlequote}), $ch)", "(${topic:singlequote}), $topic)",
		"$__fromTime", "$__toTime", "$__timeInterval(c.started_at) AS time"} {
		if !strings.Contains(sql, want) {
			t.Errorf("GrafanaSQL lacks %q:\n%s", want, sql)
		}
	}
	if strings.Contains(sql, "{from:") || strings.Contains(sql, "{f_") {
		t.Errorf("a query parameter is left:\n%s", sql)
	}
}

// TestGrafanaSQLWithCompanions: a metric with companions (top_issues) has a
// Grafana form of its own; its companions are separate queries.
func TestGrafanaSQLWithCompanions(t *testing.T) {
	sql, err := metrics.Default().GrafanaSQL("top_issues", metrics.GrafanaOptions{Variables: map[string]string{"topic": "topic"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "AS top_issues") || strings.Contains(sql, "negative_share") {
		t.Errorf("top_issues Grafana SQL:\n%s", sql)
	}
}

// TestGrafanaSQLArrayFilters: a dimension filtered with hasAny (post topics,
// customer tags) gets an array literal, not a tuple.
func TestGrafanaSQLArrayFilters(t *testing.T) {
	sql, err := metrics.Default().GrafanaSQL("suggestions", metrics.GrafanaOptions{Variables: map[string]string{"topic": "topic"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "[${topic:singlequote}])") {
		t.Errorf("hasAny filter is not given an array:\n%s", sql)
	}
}

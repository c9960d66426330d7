package dashboards

import (
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // 1793577600
	to := from.Add(7 * 24 * time.Hour)
	env := MacroEnv{From: from, To: to, Interval: time.Hour, Vars: map[string][]string{"channel": {"app", "o'neil"}}}
	cases := []struct {
		name, in, want string
	}{
		{"time filter", "WHERE $__timeFilter(started_at)",
			"WHERE started_at >= toDateTime(1793577600) AND started_at <= toDateTime(1794182400)"},
		{"time filter ms", "$__timeFilter_ms(t)", "t >= fromUnixTimestamp64Milli(1793577600000) AND t <= fromUnixTimestamp64Milli(1794182400000)"},
		{"date filter", "$__dateFilter(d)", "d >= toDate('2026-11-02') AND d <= toDate('2026-11-09')"},
		{"from/to", "x >= $__fromTime AND x < $__toTime", "x >= toDateTime(1793577600) AND x < toDateTime(1794182400)"},
		{"from/to ms", "$__fromTime_ms,$__toTime_ms", "fromUnixTimestamp64Milli(1793577600000),fromUnixTimestamp64Milli(1794182400000)"},
		{"interval", "$__timeInterval(started_at) AS time, $__interval_s", "toStartOfInterval(toDateTime(started_at), INTERVAL 3600 second) AS time, 3600"},
		{"interval ms", "$__timeInterval_ms(t)", "toStartOfInterval(toDateTime64(t, 3), INTERVAL 3600000 millisecond)"},
		{"nested args", "$__timeInterval(coalesce(a, b))", "toStartOfInterval(toDateTime(coalesce(a, b)), INTERVAL 3600 second)"},
		{"conditional all, chosen", "WHERE $__conditionalAll(channel IN (${channel:singlequote}), $channel)",
			`WHERE channel IN ('app','o\'neil')`},
		{"conditional all, all", "WHERE $__conditionalAll(topic IN (${topic:singlequote}), $topic) AND 1",
			"WHERE 1=1 AND 1"},
		{"conditional all, two, nested parens", "$__conditionalAll(hasAny(t, [${topic:singlequote}]), $topic) AND $__conditionalAll(f(channel) IN (${channel:singlequote}), $channel)",
			"1=1 AND f(channel) IN ('app','o\\'neil')"},
		{"plain variable", "x IN ($channel) OR y = '${channel}'", "x IN (app,o'neil) OR y = 'app,o'neil'"},
		{"comma inside quotes", "$__conditionalAll(x IN ('a,b', ${channel:singlequote}), $channel)", `x IN ('a,b', 'app','o\'neil')`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Expand(c.in, env)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("Expand(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestExpandDefaultInterval(t *testing.T) {
	from := time.Unix(0, 0)
	got, err := Expand("$__interval_s", MacroEnv{From: from, To: from.Add(1000 * time.Minute)})
	if err != nil || got != "60" {
		t.Fatalf("got %q, %v; want 60 (range/1000)", got, err)
	}
	got, _ = Expand("$__interval_s", MacroEnv{From: from, To: from.Add(time.Second)})
	if got != "1" {
		t.Fatalf("tiny range: got %q, want at least 1", got)
	}
}

func TestExpandErrors(t *testing.T) {
	env := MacroEnv{From: time.Unix(0, 0), To: time.Unix(3600, 0)}
	cases := map[string]string{
		"unknown macro":          "$__timeGroupAlias(t, 1h)",
		"arg count":              "$__timeFilter(a, b)",
		"no args":                "$__timeFilter",
		"unbalanced":             "$__timeFilter(a",
		"conditional all args":   "$__conditionalAll(a)",
		"variable without value": "x IN (${channel:singlequote})",
		"unknown format":         "$__conditionalAll(x IN (${channel:regex}), $channel)",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			e := env
			if name == "unknown format" {
				e.Vars = map[string][]string{"channel": {"app"}}
			}
			if got, err := Expand(in, e); err == nil {
				t.Fatalf("Expand(%q) = %q, want an error", in, got)
			} else if !strings.Contains(err.Error(), "$") {
				t.Errorf("error %q does not name the macro or variable", err)
			}
		})
	}
}

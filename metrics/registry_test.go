package metrics_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/voc-analytics/voc/metrics"
)

var update = flag.Bool("update", false, "rewrite docs/metrics.md")

// TestDocsUpToDate fails when docs/metrics.md is not what the headers give;
// -update regenerates it.
func TestDocsUpToDate(t *testing.T) {
	got := metrics.Markdown(metrics.Default())
	const path = "../docs/metrics.md"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("docs/metrics.md is out of date: run go test ./metrics -run TestDocsUpToDate -update")
	}
}

func TestDefaultRegistryLoads(t *testing.T) {
	reg := metrics.Default()
	for _, want := range []string{"contacts", "fcr", "fcr_pending", "asa", "asa_p50", "asa_p90", "csat", "nps", "negative_share", "top_issues"} {
		if _, err := reg.Get(want); err != nil {
			t.Error(err)
		}
	}
	names := reg.Names()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("List not sorted: %s before %s", names[i-1], names[i])
		}
	}
	for _, m := range reg.List() {
		if m.Definition == "" || m.Title == "" {
			t.Errorf("%s: no title or definition", m.Name)
		}
	}
}

const goodHeader = `-- name: x
-- title: X
-- definition: An x.
-- unit: count
-- direction: none
-- grain: contact
-- time: started_at
-- dimensions: channel
`
const goodBody = `SELECT {{dims}} count() AS x FROM contacts AS c {{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
`

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name, file, text, want string
	}{
		{"name differs from file", "y.sql", goodHeader + goodBody, `header name "x"`},
		{"bad unit", "x.sql", strings.Replace(goodHeader, "unit: count", "unit: furlongs", 1) + goodBody, "unit \"furlongs\""},
		{"unknown dimension", "x.sql", strings.Replace(goodHeader, "dimensions: channel", "dimensions: colour", 1) + goodBody, `dimension "colour"`},
		{"undeclared param in SQL", "x.sql", goodHeader + strings.Replace(goodBody, "count()", "count() * {k:UInt8}", 1), ""},
		{"declared param unused", "x.sql", goodHeader + "-- param: k UInt8 = 1: k\n" + goodBody, "no {k:UInt8}"},
		{"no range", "x.sql", goodHeader + "SELECT {{dims}} 1 FROM contacts AS c {{joins}} WHERE 1{{filters}} {{group_by}}\n", "apply the range"},
		{"missing marker", "x.sql", goodHeader + strings.Replace(goodBody, "{{joins}}", "", 1), "{{joins}}"},
		{"missing header", "x.sql", strings.Replace(goodHeader, "-- grain: contact\n", "", 1) + goodBody, `lacks "grain"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := metrics.Load(fstest.MapFS{c.file: {Data: []byte(c.text)}})
			if c.want == "" {
				// Loads; the undeclared parameter fails when the SQL is built.
				if err != nil {
					t.Fatal(err)
				}
				reg, _ := metrics.Load(fstest.MapFS{c.file: {Data: []byte(c.text)}})
				_, err = reg.Statements(metrics.Query{Metrics: []string{"x"}, From: time.Unix(0, 0), To: time.Unix(60, 0)})
				if err == nil || !strings.Contains(err.Error(), "{k:UInt8}") {
					t.Fatalf("want an error naming {k:UInt8}, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestQueryErrorsListWhatIsValid(t *testing.T) {
	reg := metrics.Default()
	from, to, _ := metrics.ParseWeek("2026-W45", nil)
	cases := []struct {
		name string
		q    metrics.Query
		want []string
	}{
		{"unknown metric", metrics.Query{Metrics: []string{"fcrr"}, From: from, To: to}, []string{`unknown metric "fcrr"`, "fcr_pending", "asa_p90"}},
		{"unknown dimension", metrics.Query{Metrics: []string{"fcr"}, From: from, To: to, By: []string{"colour"}}, []string{`unknown dimension "colour"`, "channel", "hour_of_week"}},
		{"dimension the metric lacks", metrics.Query{Metrics: []string{"csat"}, From: from, To: to, By: []string{"agent"}}, []string{"csat cannot be grouped by agent", "channel"}},
		{"unknown parameter", metrics.Query{Metrics: []string{"fcr"}, From: from, To: to, Params: map[string]string{"window": "3"}}, []string{`unknown parameter "window"`, "fcr.repeat_window"}},
		{"bad parameter value", metrics.Query{Metrics: []string{"fcr"}, From: from, To: to, Params: map[string]string{"repeat_window": "a week"}}, []string{"repeat_window", "whole number"}},
		{"empty range", metrics.Query{Metrics: []string{"fcr"}, From: to, To: from}, []string{"empty range"}},
		{"fixed dimension", metrics.Query{Metrics: []string{"top_issues", "csat"}, From: from, To: to}, []string{"always by topic"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := reg.Statements(c.q)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	sh := metrics.DefaultZone
	cases := []struct {
		from, to, week string
		wantFrom       string
		wantTo         string
		err            string
	}{
		{week: "2026-W45", wantFrom: "2026-11-02T00:00:00+08:00", wantTo: "2026-11-09T00:00:00+08:00"},
		{week: "2026-W01", wantFrom: "2025-12-29T00:00:00+08:00", wantTo: "2026-01-05T00:00:00+08:00"},
		{week: "2025-W53", err: "no ISO week 53"}, {week: "2026-W53", wantFrom: "2026-12-28T00:00:00+08:00", wantTo: "2027-01-04T00:00:00+08:00"},
		{week: "2026-45", err: "ISO week like"},
		{from: "2026-11-02", to: "2026-11-03", wantFrom: "2026-11-02T00:00:00+08:00", wantTo: "2026-11-03T00:00:00+08:00"},
		{from: "2026-11-02T10:30", to: "2026-11-02T12:00:00+00:00", wantFrom: "2026-11-02T10:30:00+08:00", wantTo: "2026-11-02T20:00:00+08:00"},
		{from: "2026-11-03", to: "2026-11-02", err: "not before"},
		{from: "02/11/2026", to: "2026-11-03", err: "want a date 2026-11-02"},
		{from: "2026-11-02", err: "give a range"},
		{from: "2026-11-02", to: "2026-11-03", week: "2026-W45", err: "either --week"},
	}
	for _, c := range cases {
		f, to, err := metrics.ParseRange(c.from, c.to, c.week, sh)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: want error %q, got %v", c, c.err, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		if got := f.In(sh).Format(time.RFC3339); got != c.wantFrom {
			t.Errorf("%+v: from %s, want %s", c, got, c.wantFrom)
		}
		if got := to.In(sh).Format(time.RFC3339); got != c.wantTo {
			t.Errorf("%+v: to %s, want %s", c, got, c.wantTo)
		}
	}
}

func TestOutputs(t *testing.T) {
	res := &metrics.Result{
		Columns: []metrics.Column{{Name: "channel", Kind: "dimension"}, {Name: "fcr", Kind: "metric", Unit: "ratio"}, {Name: "asa", Kind: "metric", Unit: "seconds"}},
		Rows:    [][]any{{"app", 0.5, 12.25}, {"phone", nil, 30.0}},
	}
	var j bytes.Buffer
	if err := res.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	wantJSON := "[\n  {\"channel\": \"app\", \"fcr\": 0.5, \"asa\": 12.25},\n  {\"channel\": \"phone\", \"fcr\": null, \"asa\": 30}\n]\n"
	if j.String() != wantJSON {
		t.Errorf("JSON:\n%s\nwant:\n%s", j.String(), wantJSON)
	}
	var c bytes.Buffer
	if err := res.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	if want := "channel,fcr,asa\napp,0.5,12.25\nphone,,30\n"; c.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", c.String(), want)
	}
	var tb bytes.Buffer
	if err := res.WriteTable(&tb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fcr (%)", "50.0%", "12.2", "-"} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tb.String())
		}
	}
	if recs := res.Records(); len(recs) != 2 || recs[0]["fcr"] != 0.5 || recs[1]["fcr"] != nil {
		t.Errorf("Records = %v", recs)
	}
}

func TestQualityConfigRejects(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown metric", "weights: {attitude: 1}\nsubscores:\n  attitude: [{metric: speed, target: 1, floor: 0}]\n", `unknown metric "speed"`},
		{"unknown sub-score", "weights: {mood: 1}\nsubscores: {}\n", `unknown sub-score "mood"`},
		{"negative weight", "weights: {attitude: -1, efficiency: 2}\nsubscores:\n  efficiency: [{metric: fcr, target: 0.7, floor: 0.4}]\n", "want >= 0"},
		{"target equals floor", "weights: {attitude: 1}\nsubscores:\n  attitude: [{metric: asa, target: 5, floor: 5}]\n", "target = floor"},
		{"weight without component", "weights: {attitude: 1}\nsubscores: {}\n", "no component"},
		{"metric lacking a dimension", "weights: {attitude: 1}\nsubscores:\n  attitude: [{metric: suggestions, target: 10, floor: 0}]\n", "has no dimension"},
		{"typo in a key", "weights: {attitude: 1}\nsubscore: {}\n", "subscore"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := metrics.ParseQualityConfig([]byte(c.yaml))
			if err == nil {
				_, err = metrics.Default().WithQuality(cfg)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
	if _, err := metrics.Default().WithQuality(metrics.DefaultQualityConfig()); err != nil {
		t.Errorf("default config: %v", err)
	}
}

// TestFilterValuesAreParameters: a filter value never reaches the SQL text;
// it goes as an Array(String) parameter, quoted for ClickHouse.
func TestFilterValuesAreParameters(t *testing.T) {
	from, to, _ := metrics.ParseWeek("2026-W45", nil)
	sts, err := metrics.Default().Statements(metrics.Query{Metrics: []string{"contacts"}, From: from, To: to,
		Filters: map[string][]string{"channel": {"app' OR 1=1 --", `back\slash`}}})
	if err != nil {
		t.Fatal(err)
	}
	st := sts[0]
	if strings.Contains(st.SQL, "OR 1=1") || !strings.Contains(st.SQL, "{f_channel:Array(String)}") {
		t.Errorf("filter value in the SQL text:\n%s", st.SQL)
	}
	if want := `['app\' OR 1=1 --','back\\slash']`; st.Params["f_channel"] != want {
		t.Errorf("f_channel = %s, want %s", st.Params["f_channel"], want)
	}
}

package dashboards

import (
	"fmt"
	"time"

	"github.com/voc-analytics/voc/metrics"
)

// Kinds of panel. Each says what columns its query must return (see
// CheckColumns): a stat or gauge one value per row, a time series a "time"
// column and values, a bar chart a category and values, a heatmap two
// categories and a value, a table anything.
const (
	KindStat       = "stat"
	KindGauge      = "gauge"
	KindTimeSeries = "timeseries"
	KindBar        = "bar"
	KindTable      = "table"
	KindHeatmap    = "heatmap"
)

// Units, as the metric registry names them (metrics.Metric.Unit). A panel's
// unit is its metrics' unit; non-metric panels say theirs.
const (
	UnitRatio   = "ratio"   // fraction 0..1, shown as a percentage
	UnitSeconds = "seconds" // durations
	UnitHours   = "hours"   // long durations (ticket resolution)
	UnitCount   = "count"
	UnitScore   = "score" // e.g. CSAT stars, 32 likes, sentiment in [-1, 1]
	UnitNPS     = "nps"   // -100..100
	UnitIndex   = "index" // 0..100
	UnitNone    = ""      // tables of text
)

// Dashboard is one dashboard: its panels in reading order (left to right,
// top to bottom, in rows of 24 grid columns) and the variables that filter
// them.
type Dashboard struct {
	UID         string // stable id: Grafana uid, voc serve's URL path
	Title       string
	Description string
	Tags        []string
	// Refresh is how often the dashboard reloads; zero means never. The
	// operations dashboard refreshes every 10 s or faster.
	Refresh time.Duration
	// Range is the default time range, back from now.
	Range     time.Duration
	Variables []Variable
	Panels    []Panel
}

// Variable is a dashboard filter on one registry dimension. Its values come
// from the rows query named Values (a list of distinct values with a column
// "value"); no selection means all values.
type Variable struct {
	Name      string // template variable name, equal to the dimension: channel, product_model, topic
	Label     string
	Dimension string // registry dimension filtered (metrics.Query.Filters key)
	// Options are the values when they are fixed (channels, the taxonomy's
	// topics); otherwise Values names the rows query that lists them.
	Options []Option
	Values  string
	Multi   bool // several values may be chosen (else one, or all)
}

// Option is one value of a variable with its display text.
type Option struct {
	Value, Text string
}

// Panel is one chart, number or table.
//
// A metric panel reads the registry: Metrics are registry names, By the
// dimensions grouped by (day, week, channel, topic, ...), TimeSeries a time
// bucket column "time" (Grafana's $__timeInterval). Unit and Description
// come from the first metric's header. Query is the registry query the panel
// runs, without its range and filters: the caller fills in From, To and
// Filters from the dashboard's range and variables.
//
// A rows panel (quotes, suggestion lists, pipeline freshness) has no Metrics
// and names a rows query of this package in Rows.
type Panel struct {
	ID          int    // unique within the dashboard, stable (Grafana panel id, HTML anchor)
	Section     string // the row of the dashboard the panel sits in
	Title       string
	Description string // how the number is defined, from the metric's header
	Unit        string // a Unit* constant
	Kind        string // a Kind* constant

	Metrics    []string          // registry metric names read (empty only for rows panels)
	By         []string          // dimensions
	TimeSeries bool              // bucket by time (column "time")
	Params     map[string]string // metric parameter overrides (metrics.Query.Params)
	Limit      int               // for ranked metrics (top_issues)
	// Query is the registry query the panel runs, without its range: the
	// caller sets From, To (and Now), and Filters from the dashboard's
	// variables for the dimensions in FilteredBy.
	Query *metrics.Query
	// FilteredBy are the dashboard variables' dimensions this panel's query
	// honours (a survey metric has no product model, say).
	FilteredBy []string

	// Trend is a metric drawn as a per-row sparkline (by day) next to a
	// table's rows, joined on the panel's first dimension.
	Trend string
	// Show limits the columns shown to these outputs of the metrics (the
	// emerging-issues chart shows change only); empty: all.
	Show []string
	// Sort orders the rows by a column, "-name" descending.
	Sort string
	// Colors fixes the colour of some columns (the three warning levels).
	Colors map[string]string

	// WoW adds the week-over-week change: the metric over the 7 days that
	// end at the range end, minus the 7 days before.
	WoW bool

	// Thresholds colour values: Thresholds[i].Color applies from
	// Thresholds[i].Value up to the next step. The first step is the base
	// colour below every other step; its Value is not used (see ColorAt).
	Thresholds []Threshold
	// References are horizontal lines on charts: targets and peers.
	References []Reference
	Min, Max   *float64 // axis/gauge range, when fixed (ratios 0..1, index 0..100)

	// Rows names the rows query of a rows panel (see Rows).
	Rows string
	// PromQL is a Prometheus expression for panels whose figure lives in
	// voc run's /metrics rather than in ClickHouse (consumer lag). Grafana
	// draws it only when a Prometheus datasource is configured.
	PromQL string

	// Detail says which rows stand behind the number (contacts, tickets,
	// survey_answers, suggestion_posts, messages), for drill-down links.
	Detail string

	// Window, when set, pins the panel to the last Window before the range
	// end ("contacts in the last hour") whatever range is chosen.
	Window time.Duration
	// Bucket is the smallest time bucket of a time-series panel (Grafana's
	// min interval), so that ratios are not computed over a handful of rows.
	Bucket time.Duration

	Width, Height int // grid units: 24 columns wide; height in rows of 30 px
	// X, Y place the panel on the 24-column grid (set by All: sections
	// start on a new line after a one-unit section header, and the panels
	// of a line are widened to fill it).
	X, Y int
}

// Threshold is one colour step.
type Threshold struct {
	Value float64
	Color string // a Grafana colour name: green, yellow, orange, red, blue, text
}

// Reference is a horizontal line: a target or a peer's figure.
type Reference struct {
	Name  string
	Value float64
}

// ColorAt returns the colour of the step v falls in.
func (p Panel) ColorAt(v float64) string {
	if len(p.Thresholds) == 0 {
		return ""
	}
	c := p.Thresholds[0].Color
	for _, t := range p.Thresholds[1:] {
		if v >= t.Value {
			c = t.Color
		}
	}
	return c
}

// Colors maps the colour names used in thresholds to the hex values
// Grafana's default theme draws them with.
var Colors = map[string]string{
	"green":  "#73BF69",
	"yellow": "#FADE2A",
	"orange": "#FF9830",
	"red":    "#F2495C",
	"blue":   "#5794F2",
	"purple": "#B877D9",
	"text":   "#CCCCDC",
}

// Get returns the dashboard with uid from All.
func Get(uid string) (Dashboard, error) {
	all := All()
	for _, d := range all {
		if d.UID == uid {
			return d, nil
		}
	}
	var uids []string
	for _, d := range all {
		uids = append(uids, d.UID)
	}
	return Dashboard{}, fmt.Errorf("no dashboard %q; the dashboards are %v", uid, uids)
}

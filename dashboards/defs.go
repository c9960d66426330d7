package dashboards

import (
	"fmt"
	"time"

	"github.com/voc-analytics/voc/metrics"

	"github.com/voc-analytics/voc/pipeline"
)

// Targets and peer figures from the seeds (DOMAIN.md), drawn as reference
// lines.
var (
	fcrRefs = []Reference{{"target 70 %", 0.70}, {"Huawei 72 %", 0.72}, {"TCL 70 %", 0.70}, {"world class 80 %", 0.80}}
	// Huawei answers within 5 minutes, emergencies within 3.
	waitRefs  = []Reference{{"Huawei 5 min", 300}, {"emergencies 3 min", 180}}
	csatRefs  = []Reference{{"target 85 %", 0.85}}
	indexRefs = []Reference{{"good 80", 80}}
)

// up colours a higher-is-better value: red below the first step, then
// orange, yellow, green.
func up(orange, yellow, green float64) []Threshold {
	return []Threshold{{0, "red"}, {orange, "orange"}, {yellow, "yellow"}, {green, "green"}}
}

// down colours a lower-is-better value: green below the first step, then
// yellow, orange, red.
func down(yellow, orange, red float64) []Threshold {
	return []Threshold{{0, "green"}, {yellow, "yellow"}, {orange, "orange"}, {red, "red"}}
}

// neutral is one colour whatever the value (counts without a target).
func neutral() []Threshold { return []Threshold{{0, "blue"}} }

func ptr(v float64) *float64 { return &v }

// All returns the four dashboards, with each metric panel's unit and
// description taken from the registry. A panel that reads a metric the
// registry does not have (yet) is left out; Pending lists those.
func All() []Dashboard {
	ds, _ := build()
	return ds
}

// PendingPanel is a panel left out of All for want of a metric.
type PendingPanel struct {
	Dashboard, Panel string
	Missing          []string // metric names the registry lacks
}

// Pending lists the panels All leaves out.
func Pending() []PendingPanel {
	_, p := build()
	return p
}

func build() ([]Dashboard, []PendingPanel) {
	ds := []Dashboard{executive(), product(), operations(), suggestions()}
	var pending []PendingPanel
	reg := registry()
	for i := range ds {
		d := &ds[i]
		kept := d.Panels[:0]
		for j, p := range d.Panels {
			p.ID = j + 1 // from the definition order: stable as panels come and go
			var missing []string
			needs := append([]string{}, p.Metrics...)
			if p.Trend != "" {
				needs = append(needs, p.Trend)
			}
			for _, m := range needs {
				if _, err := reg.Get(m); err != nil {
					missing = append(missing, m)
				}
			}
			if len(missing) > 0 {
				pending = append(pending, PendingPanel{Dashboard: d.UID, Panel: p.Title, Missing: missing})
				continue
			}
			kept = append(kept, p)
		}
		d.Panels = kept
		finish(d)
	}
	return ds, pending
}

// finish sets what follows from the rest of a dashboard's definition: the
// registry query of each metric panel, and units, descriptions and filters
// from the metric headers and rows queries.
func finish(d *Dashboard) {
	for i := range d.Panels {
		p := &d.Panels[i]
		if p.ID == 0 {
			p.ID = i + 1
		}
		if len(p.Metrics) > 0 {
			p.Query = &metrics.Query{Metrics: p.Metrics, By: p.By, Params: p.Params, Limit: p.Limit}
		}
		if err := describe(p, d.Variables); err != nil {
			panic(fmt.Sprintf("dashboard %s panel %q: %v", d.UID, p.Title, err))
		}
	}
	layout(d.Panels)
}

// gridWidth is the number of columns of Grafana's (and voc serve's) grid.
const gridWidth = 24

// layout places panels on the grid: each section starts on a new line
// below a header row of height 1; panels fill lines left to right; a line
// that is not full (a panel left out, or too wide to fit) has its panels
// widened in proportion to fill it.
func layout(ps []Panel) {
	y := 0
	for i := 0; i < len(ps); {
		section := ps[i].Section
		y++ // the section header
		for i < len(ps) && ps[i].Section == section {
			// Take the panels that fit on this line.
			start, used := i, 0
			for i < len(ps) && ps[i].Section == section && (used == 0 || used+width(ps[i]) <= gridWidth) {
				used += width(ps[i])
				i++
			}
			x, h := 0, 0
			for j := start; j < i; j++ {
				w := width(ps[j]) * gridWidth / used
				if j == i-1 {
					w = gridWidth - x
				}
				ps[j].X, ps[j].Y, ps[j].Width = x, y, w
				x += w
				h = max(h, ps[j].Height)
			}
			y += h
		}
	}
}

func width(p Panel) int { return min(max(p.Width, 1), gridWidth) }

func variables(names ...string) []Variable {
	var out []Variable
	for _, n := range names {
		switch n {
		case "channel":
			v := Variable{Name: "channel", Label: "Channel", Dimension: "channel", Multi: true}
			for _, c := range pipeline.Channels {
				v.Options = append(v.Options, Option{Value: c, Text: c})
			}
			out = append(out, v)
		case "product_model":
			out = append(out, Variable{Name: "product_model", Label: "Product model", Dimension: "product_model", Values: "product_models", Multi: true})
		case "topic":
			out = append(out, Variable{Name: "topic", Label: "Issue topic", Dimension: "topic", Values: "topics", Multi: true})
		}
	}
	return out
}

func executive() Dashboard {
	const (
		index = "Service quality index"
		fcr   = "First-contact resolution"
		sat   = "Satisfaction"
		waits = "Waits and ticket SLA"
		voice = "Sentiment and complaints"
	)
	return Dashboard{
		UID:         "voc-executive",
		Title:       "voc · Executive service quality",
		Description: "Service quality for executives: the 0-100 quality index and its five weighted dimensions, FCR, satisfaction, waits, ticket SLA, sentiment and complaints, against the targets and peers of the seeds, each with its trend and week-over-week change.",
		Tags:        []string{"voc", "executive"},
		Refresh:     5 * time.Minute,
		Range:       28 * 24 * time.Hour,
		Variables:   variables("channel", "product_model", "topic"),
		Panels: []Panel{
			{Section: index, Title: "Quality index", Kind: KindGauge, Metrics: []string{"quality_index"}, WoW: true,
				Thresholds: up(60, 70, 80), Min: ptr(0), Max: ptr(100), Width: 6, Height: 8},
			{Section: index, Title: "Quality index by dimension", Kind: KindBar, Metrics: []string{"quality_index"},
				Show:       []string{"quality_attitude", "quality_efficiency", "quality_knowledge", "quality_function", "quality_satisfaction"},
				Thresholds: up(60, 70, 80), References: indexRefs, Min: ptr(0), Max: ptr(100), Width: 9, Height: 8},
			{Section: index, Title: "Quality index and its dimensions over time", Kind: KindTimeSeries, Metrics: []string{"quality_index"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: up(60, 70, 80), References: indexRefs, Min: ptr(0), Max: ptr(100), Width: 9, Height: 8},

			{Section: fcr, Title: "FCR", Kind: KindStat, Metrics: []string{"fcr"}, WoW: true,
				Thresholds: up(0.60, 0.70, 0.80), References: fcrRefs[:1], Width: 6, Height: 7},
			{Section: fcr, Title: "FCR against target and peers", Kind: KindTimeSeries, Metrics: []string{"fcr"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: up(0.60, 0.70, 0.80), References: fcrRefs, Min: ptr(0), Max: ptr(1), Width: 12, Height: 7},
			{Section: fcr, Title: "FCR by channel", Kind: KindBar, Metrics: []string{"fcr"}, By: []string{"channel"},
				Thresholds: up(0.60, 0.70, 0.80), References: fcrRefs[:1], Min: ptr(0), Max: ptr(1), Width: 6, Height: 7},

			{Section: sat, Title: "CSAT (4-5 stars)", Kind: KindStat, Metrics: []string{"csat"}, WoW: true,
				Thresholds: up(0.68, 0.75, 0.85), References: csatRefs, Width: 6, Height: 7},
			{Section: sat, Title: "NPS", Kind: KindStat, Metrics: []string{"nps"}, WoW: true,
				Thresholds: up(0, 20, 50), Width: 6, Height: 7},
			{Section: sat, Title: "32 likes (mean)", Kind: KindStat, Metrics: []string{"likes32"}, WoW: true,
				Thresholds: up(1, 5, 10), Width: 6, Height: 7},
			{Section: sat, Title: "CSAT against target", Kind: KindTimeSeries, Metrics: []string{"csat"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: up(0.68, 0.75, 0.85), References: csatRefs, Min: ptr(0), Max: ptr(1), Width: 6, Height: 7},

			{Section: waits, Title: "ASA p90 by channel", Kind: KindBar, Metrics: []string{"asa_p90"}, By: []string{"channel"},
				Thresholds: down(180, 300, 600), References: waitRefs, Width: 8, Height: 8},
			{Section: waits, Title: "ASA p90 trend by channel", Kind: KindTimeSeries, Metrics: []string{"asa_p90"}, By: []string{"channel"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: down(180, 300, 600), References: waitRefs, Width: 8, Height: 8},
			{Section: waits, Title: "Ticket SLA compliance", Kind: KindStat, Metrics: []string{"ticket_sla_compliance"}, WoW: true,
				Thresholds: up(0.80, 0.90, 0.95), Width: 4, Height: 8},
			{Section: waits, Title: "Ticket SLA compliance trend", Kind: KindTimeSeries, Metrics: []string{"ticket_sla_compliance"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: up(0.80, 0.90, 0.95), Min: ptr(0), Max: ptr(1), Width: 4, Height: 8},

			{Section: voice, Title: "Negative sentiment share", Kind: KindStat, Metrics: []string{"negative_share"}, WoW: true,
				Thresholds: down(0.15, 0.25, 0.35), Width: 6, Height: 7},
			{Section: voice, Title: "Negative sentiment trend", Kind: KindTimeSeries, Metrics: []string{"negative_share"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: down(0.15, 0.25, 0.35), Min: ptr(0), Width: 6, Height: 7},
			{Section: voice, Title: "Complaint share", Kind: KindStat, Metrics: []string{"complaint_share"}, WoW: true,
				Thresholds: down(0.05, 0.10, 0.15), Width: 6, Height: 7},
			{Section: voice, Title: "Complaint share trend", Kind: KindTimeSeries, Metrics: []string{"complaint_share"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: down(0.05, 0.10, 0.15), Min: ptr(0), Width: 6, Height: 7},
		},
	}
}

func product() Dashboard {
	const (
		issues = "Top issues"
		models = "Models and customers' words"
	)
	return Dashboard{
		UID:         "voc-product",
		Title:       "voc · Product feedback",
		Description: "What customers raise about the products: the week's top issue topics with their change, negative share and trend, emerging issues, issues by product model, redacted customer quotes for a chosen topic, and the sentiment of survey comments.",
		Tags:        []string{"voc", "product"},
		Refresh:     15 * time.Minute,
		Range:       7 * 24 * time.Hour,
		Variables:   variables("channel", "product_model", "topic"),
		Panels: []Panel{
			{Section: issues, Title: "Top issue topics", Kind: KindTable, Metrics: []string{"top_issues"}, Trend: "contacts", Sort: "-top_issues",
				Thresholds: neutral(), Width: 16, Height: 11},
			{Section: issues, Title: "Emerging issues: change on the previous period", Kind: KindBar, Metrics: []string{"top_issues"}, By: []string{"topic"},
				Show: []string{"change"}, Sort: "-change", Unit: UnitRatio, Thresholds: down(0.10, 0.25, 0.50), Width: 8, Height: 11},
			{Section: issues, Title: "Contacts by issue topic over time", Kind: KindTimeSeries, Metrics: []string{"contacts"}, By: []string{"topic"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: neutral(), Min: ptr(0), Width: 24, Height: 8},
			{Section: models, Title: "Contacts by product model and issue topic", Kind: KindHeatmap, Metrics: []string{"contacts"}, By: []string{"product_model", "topic"},
				Thresholds: neutral(), Width: 12, Height: 10},
			{Section: models, Title: "Survey comment sentiment", Kind: KindTimeSeries, Metrics: []string{"comment_negative_share"}, TimeSeries: true, Bucket: 24 * time.Hour,
				Thresholds: down(0.15, 0.25, 0.35), Min: ptr(0), Width: 12, Height: 10},
			{Section: models, Title: "Customer quotes for the chosen topic", Kind: KindTable, Rows: "quotes", Unit: UnitNone,
				Thresholds: down(-0.5, -0.2, 0), Width: 24, Height: 12},
		},
	}
}

func operations() Dashboard {
	const (
		now      = "Right now"
		queue    = "Queues"
		tickets  = "Tickets"
		load     = "Load"
		pipeline = "Pipeline"
	)
	return Dashboard{
		UID:         "voc-operations",
		Title:       "voc · Operations and SLA (near real time)",
		Description: "For the contact-centre floor: contacts of the last hour, queue waits, service level, abandonment, tickets approaching their SLA (50/80/100 % of the allowed time), escalations, the hour-of-week load, bot hand-offs, and whether the pipeline keeps up (freshness, ingest delay, consumer lag).",
		Tags:        []string{"voc", "operations"},
		Refresh:     10 * time.Second,
		Range:       24 * time.Hour,
		Variables:   variables("channel", "product_model", "topic"),
		Panels: []Panel{
			{Section: now, Title: "Contacts in the last hour by channel", Kind: KindBar, Metrics: []string{"contacts"}, By: []string{"channel"}, Window: time.Hour,
				Thresholds: neutral(), Width: 8, Height: 7},
			{Section: now, Title: "Service level", Kind: KindStat, Metrics: []string{"service_level"},
				Thresholds: up(0.60, 0.70, 0.80), Width: 4, Height: 7},
			{Section: now, Title: "Abandonment", Kind: KindStat, Metrics: []string{"abandonment_rate"},
				Thresholds: down(0.05, 0.10, 0.15), Width: 4, Height: 7},
			{Section: now, Title: "Bot hand-offs", Kind: KindStat, Metrics: []string{"bot_handoff_rate"},
				Thresholds: down(0.30, 0.45, 0.60), Width: 4, Height: 7},
			{Section: now, Title: "Pipeline freshness", Kind: KindStat, Rows: "freshness_summary", Unit: UnitSeconds,
				Thresholds: down(60, 300, 900), Width: 4, Height: 7},

			{Section: queue, Title: "Queue wait p50 / p90", Kind: KindTimeSeries, Metrics: []string{"asa_p50", "asa_p90"}, TimeSeries: true, Bucket: 15 * time.Minute,
				Thresholds: down(180, 300, 600), References: waitRefs, Min: ptr(0), Width: 12, Height: 8},
			{Section: queue, Title: "Service level and abandonment", Kind: KindTimeSeries, Metrics: []string{"service_level", "abandonment_rate"}, TimeSeries: true, Bucket: 15 * time.Minute,
				Thresholds: up(0.60, 0.70, 0.80), Min: ptr(0), Max: ptr(1), Width: 12, Height: 8},

			{Section: tickets, Title: "Open tickets at 50 / 80 / 100 % of their SLA (created in the last 30 days)", Kind: KindBar, Metrics: []string{"ticket_early_warning"},
				Show: []string{"warning_level_1", "warning_level_2", "warning_level_3"}, Window: 30 * 24 * time.Hour,
				Colors:     map[string]string{"warning_level_1": "yellow", "warning_level_2": "orange", "warning_level_3": "red"},
				Thresholds: neutral(), Width: 8, Height: 8},
			{Section: tickets, Title: "Escalated tickets by highest level (0 none, 1 agent, 2 supervisor, 3 executive)", Kind: KindBar, Metrics: []string{"escalations"}, By: []string{"escalation_level"},
				Thresholds: neutral(), Width: 8, Height: 8},
			{Section: tickets, Title: "Bot hand-off rate", Kind: KindTimeSeries, Metrics: []string{"bot_handoff_rate"}, TimeSeries: true, Bucket: 15 * time.Minute,
				Thresholds: down(0.30, 0.45, 0.60), Min: ptr(0), Max: ptr(1), Width: 8, Height: 8},

			{Section: load, Title: "Contacts by hour of week", Kind: KindHeatmap, Metrics: []string{"contacts"}, By: []string{"hour_of_week"},
				Thresholds: neutral(), Width: 24, Height: 9},

			{Section: pipeline, Title: "Freshness by stream", Kind: KindTable, Rows: "freshness", Unit: UnitSeconds,
				Thresholds: down(60, 300, 900), Width: 12, Height: 8},
			{Section: pipeline, Title: "Ingest delay by stream (consumer lag in seconds)", Kind: KindTable, Rows: "ingest_delay", Unit: UnitSeconds,
				Thresholds: down(30, 120, 600), Width: 12, Height: 8},
			{Section: pipeline, Title: "Consumer lag (messages)", Kind: KindTimeSeries, Unit: UnitCount,
				PromQL: `sum by (topic) (max by (topic, partition) (voc_group_lag)) or sum by (topic) (voc_consumer_lag)`, Detail: "voc run /metrics",
				Description: "Messages behind the end of each input topic, summed over its partitions: voc_group_lag from voc run's /metrics, which every member reports for every partition of the group (max per partition, so several members are not added up), or voc_consumer_lag (the partitions a member owns) where voc_group_lag is not exported. Needs a Prometheus that scrapes voc run, configured as the dashboards' Prometheus datasource (--prometheus-uid).",
				Thresholds:  down(1000, 10000, 100000), Min: ptr(0), Width: 24, Height: 8},
		},
	}
}

func suggestions() Dashboard {
	const (
		board = "Suggestion board"
		lists = "Posts"
	)
	return Dashboard{
		UID:         "voc-suggestions",
		Title:       "voc · Employee suggestions",
		Description: "The internal suggestion board: posts and endorsements, the share adopted, the newest and most endorsed posts, and the suggestions that address this week's top issues.",
		Tags:        []string{"voc", "suggestions"},
		Refresh:     15 * time.Minute,
		Range:       30 * 24 * time.Hour,
		Variables:   variables("topic"),
		Panels: []Panel{
			{Section: board, Title: "Posts", Kind: KindStat, Metrics: []string{"suggestions"}, WoW: true, Thresholds: neutral(), Width: 6, Height: 6},
			{Section: board, Title: "Endorsements", Kind: KindStat, Metrics: []string{"endorsements"}, WoW: true, Thresholds: neutral(), Width: 6, Height: 6},
			{Section: board, Title: "Adopted share", Kind: KindStat, Metrics: []string{"suggestion_adoption"}, WoW: true, Thresholds: up(0.05, 0.10, 0.20), Width: 6, Height: 6},
			{Section: board, Title: "Posts over time", Kind: KindTimeSeries, Metrics: []string{"suggestions"}, TimeSeries: true, Bucket: 24 * time.Hour, Thresholds: neutral(), Min: ptr(0), Width: 6, Height: 6},

			{Section: lists, Title: "Newest posts", Kind: KindTable, Rows: "suggestions_newest", Unit: UnitNone, Thresholds: neutral(), Width: 12, Height: 10},
			{Section: lists, Title: "Most endorsed posts", Kind: KindTable, Metrics: []string{"top_suggestions"}, Thresholds: neutral(), Width: 12, Height: 10},
			{Section: lists, Title: "Suggestions linked to this week's top issues", Kind: KindTable, Rows: "suggestions_for_top_issues", Unit: UnitNone, Thresholds: neutral(), Width: 24, Height: 10},
		},
	}
}

package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/voc-analytics/voc/metrics"
)

// DataSource is how Grafana reaches voc's ClickHouse: the datasource the
// generated dashboards point at and the provisioning file describes.
type DataSource struct {
	UID      string // Grafana datasource uid
	Name     string
	Host     string // ClickHouse host as Grafana's server sees it
	Port     int
	Protocol string // native | http
	Secure   bool   // TLS
	Username string // a read-only user: analyst
	Database string
	// PasswordEnv names the environment variable Grafana's provisioning
	// reads the password from (secureJsonData.password: $VAR).
	PasswordEnv string
	// PrometheusUID, when set, is a Prometheus datasource that scrapes voc
	// run; panels with PromQL (consumer lag) are drawn from it, and left
	// out otherwise.
	PrometheusUID string
	// Timezone of the dashboards (default Asia/Shanghai, the zone the
	// registry buckets days in).
	Timezone string
}

// DefaultDataSource is the datasource of a local `voc local` or `voc demo`.
func DefaultDataSource() DataSource {
	return DataSource{
		UID: "voc-clickhouse", Name: "voc ClickHouse",
		Host: "127.0.0.1", Port: 9000, Protocol: "native",
		Username: "analyst", Database: "voc",
		PasswordEnv: "VOC_ANALYST_PASSWORD",
		Timezone:    "Asia/Shanghai",
	}
}

func (ds DataSource) ref() common.DataSourceRef {
	typ, uid := PluginID, ds.UID
	return common.DataSourceRef{Type: &typ, Uid: &uid}
}

// Grafana returns d as Grafana dashboard JSON (schema of Grafana 10-12) for
// the grafana-clickhouse-datasource plugin v4, every target pointing at ds.
func Grafana(d Dashboard, ds DataSource) ([]byte, error) {
	b, err := grafanaBuilder(d, ds)
	if err != nil {
		return nil, err
	}
	built, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	out, err := json.MarshalIndent(built, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: encode: %w", d.UID, err)
	}
	return append(out, '\n'), nil
}

func grafanaBuilder(d Dashboard, ds DataSource) (*dashboard.DashboardBuilder, error) {
	tz := ds.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	b := dashboard.NewDashboardBuilder(d.Title).
		Uid(d.UID).
		Description(d.Description).
		Tags(d.Tags).
		Timezone(tz).
		Readonly(). // generated: changes belong in dashboards/, not Grafana's editor
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Time("now-"+grafanaDuration(d.Range), "now")
	if d.Refresh > 0 {
		b = b.Refresh(grafanaDuration(d.Refresh))
	}
	for _, v := range d.Variables {
		vb, err := variableBuilder(v, ds)
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
		}
		b = b.WithVariable(vb)
	}
	section, rows := "", 0
	for _, p := range d.Panels {
		if p.PromQL != "" && ds.PrometheusUID == "" {
			continue
		}
		if p.Section != section {
			section = p.Section
			rows++
			// Row ids apart from the panels' so both stay stable and unique.
			b = b.WithRow(dashboard.NewRowBuilder(section).Id(uint32(rowIDBase + rows)).
				GridPos(dashboard.GridPos{X: 0, Y: uint32(p.Y - 1), W: gridWidth, H: 1}))
		}
		pb, err := panelBuilder(p, d, ds)
		if err != nil {
			return nil, fmt.Errorf("dashboard %s panel %d %q: %w", d.UID, p.ID, p.Title, err)
		}
		b = b.WithPanel(pb)
	}
	return b, nil
}

func variableBuilder(v Variable, ds DataSource) (cog.Builder[dashboard.VariableModel], error) {
	all := dashboard.VariableOption{Selected: cog.ToPtr(true), Text: dashboard.StringOrArrayOfString{String: cog.ToPtr("All")}, Value: dashboard.StringOrArrayOfString{String: cog.ToPtr("$__all")}}
	if v.Multi {
		all.Text = dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}}
		all.Value = dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}}
	}
	if len(v.Options) > 0 {
		pairs := make([]string, len(v.Options))
		for i, o := range v.Options {
			if o.Text == "" || o.Text == o.Value {
				pairs[i] = o.Value
			} else {
				pairs[i] = o.Text + " : " + o.Value
			}
		}
		values := strings.Join(pairs, ",")
		return dashboard.NewCustomVariableBuilder(v.Name).Label(v.Label).
			Values(dashboard.StringOrMap{String: &values}).
			Multi(v.Multi).IncludeAll(true).Current(all), nil
	}
	q, err := Rows(v.Values)
	if err != nil {
		return nil, fmt.Errorf("variable %s: %w", v.Name, err)
	}
	sql, err := q.GrafanaSQL()
	if err != nil {
		return nil, err
	}
	return dashboard.NewQueryVariableBuilder(v.Name).Label(v.Label).
		Datasource(ds.ref()).
		Query(dashboard.StringOrMap{Map: map[string]any{"editorType": "sql", "rawSql": sql, "format": FormatTable, "refId": "values"}}).
		Definition(sql).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(v.Multi).IncludeAll(true).Current(all), nil
}

// rowIDBase keeps section rows' ids clear of panel ids.
const rowIDBase = 1000

// grafanaDuration writes d the way Grafana's time pickers read it: 28d, 1h, 10s.
func grafanaDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return fmt.Sprintf("%ds", max(d/time.Second, 1))
	}
}

// grafanaUnit maps a registry unit to Grafana's unit id and decimals.
func grafanaUnit(unit string) (id string, decimals int) {
	switch unit {
	case UnitRatio:
		return "percentunit", 1
	case UnitSeconds:
		return "s", 0
	case UnitCount:
		return "short", 0
	case UnitScore:
		return "none", 2
	case UnitNPS, UnitIndex:
		return "none", 0
	case UnitHours:
		return "h", 1
	}
	return "", -1
}

// target is one query of a panel.
type target struct {
	refID      string
	sql        string
	timeSeries bool
}

// basics is what every SDK panel builder offers under the same names.
type basics[B any] interface {
	cog.Builder[dashboard.Panel]
	Id(uint32) B
	Title(string) B
	Description(string) B
	Datasource(common.DataSourceRef) B
	GridPos(dashboard.GridPos) B
	Unit(string) B
	Decimals(float64) B
	Min(float64) B
	Max(float64) B
	Thresholds(cog.Builder[dashboard.ThresholdsConfig]) B
	WithTarget(cog.Builder[variants.Dataquery]) B
	Interval(string) B
	TimeFrom(string) B
	NoValue(string) B
	WithTransformation(dashboard.DataTransformerConfig) B
	OverrideByName(string, []dashboard.DynamicConfigValue) B
}

// configure sets what every kind of panel shares.
func configure[B basics[B]](b B, p Panel, ds DataSource, pq queries) B {
	targets := pq.targets
	b = b.Id(uint32(p.ID)).Title(p.Title).Description(p.Description).
		GridPos(dashboard.GridPos{X: uint32(p.X), Y: uint32(p.Y), W: uint32(p.Width), H: uint32(p.Height)}).
		NoValue("no data in range")
	if p.PromQL == "" {
		b = b.Datasource(ds.ref())
	}
	if unit, dec := grafanaUnit(p.Unit); unit != "" && (p.Rows == "" || p.Kind != KindTable) {
		// Rows tables mix text and numbers: their units go per column.
		b = b.Unit(unit).Decimals(float64(dec))
	}
	if p.Min != nil {
		b = b.Min(*p.Min)
	}
	if p.Max != nil {
		b = b.Max(*p.Max)
	}
	if len(p.Thresholds) > 0 {
		b = b.Thresholds(thresholds(p.Thresholds))
	}
	if p.Bucket > 0 {
		b = b.Interval(grafanaDuration(p.Bucket))
	}
	if p.Window > 0 {
		b = b.TimeFrom(grafanaDuration(p.Window))
	}
	for _, col := range sortedKeys(p.Colors) {
		b = b.OverrideByName(col, fixedColor(p.Colors[col]))
	}
	for _, t := range targets {
		q := NewClickHouseQueryBuilder(t.sql).RefId(t.refID).Datasource(ds.ref())
		if t.timeSeries {
			q = q.TimeSeries()
		}
		b = b.WithTarget(q)
	}
	for _, t := range pq.transforms {
		b = b.WithTransformation(t)
	}
	return b
}

func thresholds(ts []Threshold) *dashboard.ThresholdsConfigBuilder {
	steps := make([]dashboard.Threshold, len(ts))
	for i, t := range ts {
		steps[i] = dashboard.Threshold{Color: t.Color}
		if i > 0 {
			steps[i].Value = cog.ToPtr(t.Value)
		}
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

// referenceLines draws References as dashed threshold lines (the only
// horizontal lines Grafana's time series and bar charts draw).
func referenceLines(refs []Reference) *dashboard.ThresholdsConfigBuilder {
	palette := []string{"green", "purple", "blue", "orange", "yellow"}
	steps := []dashboard.Threshold{{Color: "transparent"}}
	for i, r := range refs {
		steps = append(steps, dashboard.Threshold{Value: cog.ToPtr(r.Value), Color: palette[i%len(palette)]})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

func legend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().ShowLegend(true).DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)
}

func tooltip() *common.VizTooltipOptionsBuilder {
	return common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)
}

func reduceAll() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false).Fields("")
}

// wowField is the name of the week-over-week column of a WoW panel.
const wowField = "WoW change"

func panelBuilder(p Panel, d Dashboard, ds DataSource) (cog.Builder[dashboard.Panel], error) {
	pq, err := panelQueries(p)
	if err != nil {
		return nil, err
	}
	if refs := describeReferences(p.References); refs != "" {
		p.Description = strings.TrimSpace(p.Description + " " + refs)
	}
	switch p.Kind {
	case KindStat:
		b := configure(stat.NewPanelBuilder(), p, ds, pq).
			ReduceOptions(reduceAll()).
			GraphMode(common.BigValueGraphModeNone).
			ColorMode(common.BigValueColorModeValue).
			TextMode(common.BigValueTextModeValueAndName).
			JustifyMode(common.BigValueJustifyModeCenter).
			Orientation(common.VizOrientationHorizontal)
		if p.WoW {
			b = b.OverrideByName(wowField, wowColors(p))
		}
		return b, nil
	case KindGauge:
		b := configure(gauge.NewPanelBuilder(), p, ds, pq).
			ReduceOptions(reduceAll()).
			ShowThresholdMarkers(true).ShowThresholdLabels(false)
		if p.WoW {
			// The change is a small signed number: its own scale, red below 0.
			span := 10.0
			if p.Max != nil && p.Min != nil {
				span = (*p.Max - *p.Min) / 5
			}
			b = b.OverrideByName(wowField, append(wowColors(p),
				dashboard.DynamicConfigValue{Id: "min", Value: -span}, dashboard.DynamicConfigValue{Id: "max", Value: span}))
		}
		return b, nil
	case KindTimeSeries:
		b := configure(timeseries.NewPanelBuilder(), p, ds, pq).
			Legend(legend()).Tooltip(tooltip()).
			LineWidth(2).FillOpacity(10).ShowPoints(common.VisibilityModeAuto).
			SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)})
		if p.PromQL != "" {
			typ, uid := "prometheus", ds.PrometheusUID
			ref := common.DataSourceRef{Type: &typ, Uid: &uid}
			b = b.Datasource(ref).WithTarget(prometheus.NewDataqueryBuilder().
				RefId("A").Datasource(ref).Expr(p.PromQL).Range().LegendFormat("{{topic}}"))
		}
		if len(p.References) > 0 {
			b = b.Thresholds(referenceLines(p.References)).
				ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
		}
		return b, nil
	case KindBar:
		if len(p.By) == 0 {
			// One value per metric: Grafana's bar chart needs a category
			// column, the bar gauge draws one bar per numeric field.
			return configure(bargauge.NewPanelBuilder(), p, ds, pq).
				ReduceOptions(reduceAll()).
				Orientation(common.VizOrientationHorizontal).
				DisplayMode(common.BarGaugeDisplayModeGradient).
				ShowUnfilled(true), nil
		}
		b := configure(barchart.NewPanelBuilder(), p, ds, pq).
			XField(p.By[0]).
			Legend(legend()).Tooltip(tooltip()).
			ShowValue(common.VisibilityModeAuto).
			Orientation(common.VizOrientationAuto).
			ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds))
		return columnUnits(b, pq.columns, false), nil
	case KindTable:
		b := configure(table.NewPanelBuilder(), p, ds, pq).
			CellHeight(common.TableCellHeightSm).
			Filterable(true)
		if p.Trend != "" {
			b = b.OverrideByRegexp("^Trend", []dashboard.DynamicConfigValue{
				{Id: "custom.cellOptions", Value: map[string]any{"type": "sparkline"}},
				{Id: "displayName", Value: "trend (" + p.Trend + " per day)"},
			})
		}
		if p.Sort != "" {
			b = b.SortBy([]cog.Builder[common.TableSortByFieldState]{
				common.NewTableSortByFieldStateBuilder().DisplayName(strings.TrimPrefix(p.Sort, "-")).Desc(strings.HasPrefix(p.Sort, "-")),
			})
		}
		return columnUnits(b, pq.columns, true), nil
	case KindHeatmap:
		// Grafana's heatmap wants time on x; for category x category (hour
		// of week, model x topic) a table of coloured cells reads better.
		b := configure(table.NewPanelBuilder(), p, ds, pq).
			CellHeight(common.TableCellHeightSm).
			ColorScheme(dashboard.NewFieldColorBuilder().Mode("continuous-BlYlRd")).
			CellOptions(common.TableCellOptions{TableColoredBackgroundCellOptions: &common.TableColoredBackgroundCellOptions{
				Type: common.TableCellDisplayModeColorBackground, Mode: cog.ToPtr(common.TableCellBackgroundDisplayModeGradient),
			}})
		// The row-label column of the matrix is text, not a coloured number.
		return b.OverrideByRegexp(`\\`, []dashboard.DynamicConfigValue{
			{Id: "custom.cellOptions", Value: map[string]any{"type": "auto"}},
		}), nil
	}
	return nil, fmt.Errorf("unknown panel kind %q", p.Kind)
}

// wowColors colour a week-over-week change by the metric's direction: an
// improvement green, a deterioration red; text when neither is better.
func wowColors(p Panel) []dashboard.DynamicConfigValue {
	dir := "none"
	if m, err := registry().Get(p.Metrics[0]); err == nil {
		dir = m.Direction
	}
	below, above := "red", "green"
	switch dir {
	case "lower":
		below, above = "green", "red"
	case "higher":
	default:
		return fixedColor("text")
	}
	return []dashboard.DynamicConfigValue{
		{Id: "color", Value: map[string]any{"mode": "thresholds"}},
		{Id: "thresholds", Value: map[string]any{"mode": "absolute", "steps": []map[string]any{{"value": nil, "color": below}, {"value": 0, "color": above}}}},
	}
}

func fixedColor(c string) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "color", Value: map[string]any{"mode": "fixed", "fixedColor": c}}}
}

// columnUnits sets the unit of each named column (several outputs of one
// metric, a metric and its companions, a rows query's numbers); in tables
// the column is also coloured by the panel's thresholds.
func columnUnits[B interface {
	OverrideByName(string, []dashboard.DynamicConfigValue) B
}](b B, columns map[string]string, colour bool) B {
	for _, col := range sortedKeys(columns) {
		unit, dec := grafanaUnit(columns[col])
		var props []dashboard.DynamicConfigValue
		if colour {
			props = append(props, dashboard.DynamicConfigValue{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}})
		}
		if unit != "" {
			props = append(props, dashboard.DynamicConfigValue{Id: "unit", Value: unit}, dashboard.DynamicConfigValue{Id: "decimals", Value: dec})
		}
		if len(props) > 0 {
			b = b.OverrideByName(col, props)
		}
	}
	return b
}

func describeReferences(refs []Reference) string {
	if len(refs) == 0 {
		return ""
	}
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
	}
	return "Reference lines: " + strings.Join(names, ", ") + "."
}

// queries is what a panel asks Grafana for: targets, the transformations
// that shape their frames, and the units of columns that need their own.
type queries struct {
	targets    []target
	transforms []dashboard.DataTransformerConfig
	columns    map[string]string // column -> Unit*
}

func refID(i int) string { return string(rune('A' + i)) }

func transform(id string, options map[string]any) dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: id, Options: options}
}

// panelQueries returns the Grafana queries of a panel: one target per
// metric (a WoW panel's adds the change column), the metric's companions
// and trend joined on the dimensions, or the rows query.
func panelQueries(p Panel) (queries, error) {
	var q queries
	if p.PromQL != "" {
		return q, nil // the Prometheus target is added by the panel builder
	}
	if p.Rows != "" {
		rq, err := Rows(p.Rows)
		if err != nil {
			return q, err
		}
		sql, err := rq.GrafanaSQL()
		if err != nil {
			return q, err
		}
		q.targets = []target{{refID: "A", sql: sql}}
		q.columns = rq.Units
		return q, nil
	}
	if len(p.Metrics) == 0 {
		return q, fmt.Errorf("panel has neither metrics nor a rows query")
	}
	reg := registry()
	q.columns = map[string]string{}
	var joinOn string
	var keepRowsOf []string // metrics whose rows only the joined table keeps
	for _, name := range p.Metrics {
		m, err := reg.Get(name)
		if err != nil {
			return q, err
		}
		sql, err := metricSQL(name, p)
		if err != nil {
			return q, err
		}
		if p.Kind == KindHeatmap && len(p.By) == 1 && p.By[0] == "hour_of_week" {
			sql = splitHourOfWeek(sql, name)
		}
		if p.WoW {
			sql = withWoW(sql, name)
		}
		q.targets = append(q.targets, target{refID: refID(len(q.targets)), sql: sql, timeSeries: p.TimeSeries})
		for _, o := range m.Outputs {
			if o.Unit != p.Unit || len(m.Outputs) > 1 {
				q.columns[o.Name] = o.Unit
			}
		}
		// Companions (top_issues' negative_share and fcr) are separate
		// queries on the metric's dimensions, joined by Grafana.
		by := append(append([]string{}, m.Fixed...), p.By...)
		by = dedupe(by)
		for _, w := range m.With {
			cp := p
			cp.By, cp.TimeSeries = by, false
			csql, err := metricSQL(w, cp)
			if err != nil {
				return q, fmt.Errorf("companion %s of %s: %w", w, name, err)
			}
			q.targets = append(q.targets, target{refID: refID(len(q.targets)), sql: csql})
			c, _ := reg.Get(w)
			for _, o := range c.Outputs {
				q.columns[o.Name] = o.Unit
			}
			joinOn = by[0]
		}
		if len(m.With) > 0 {
			keepRowsOf = append(keepRowsOf, name)
		}
	}
	if p.Trend != "" {
		tp := p
		tp.TimeSeries, tp.WoW = true, false
		sql, err := metricSQL(p.Trend, tp)
		if err != nil {
			return q, fmt.Errorf("trend %s: %w", p.Trend, err)
		}
		ref := refID(len(q.targets))
		q.targets = append(q.targets, target{refID: ref, sql: sql, timeSeries: true})
		t := transform("timeSeriesTable", map[string]any{})
		t.Filter = &dashboard.MatcherConfig{Id: "byRefId", Options: ref}
		q.transforms = append(q.transforms, t)
		if joinOn == "" && len(p.By) > 0 {
			joinOn = p.By[0]
		}
	}
	if joinOn != "" {
		q.transforms = append(q.transforms, transform("joinByField", map[string]any{"byField": joinOn, "mode": "outer"}))
	}
	for _, name := range keepRowsOf {
		// The outer join adds the rows a companion has and the metric
		// (ranked, limited) has not: drop them.
		q.transforms = append(q.transforms, transform("filterByValue", map[string]any{
			"type": "exclude", "match": "any",
			"filters": []map[string]any{{"fieldName": name, "config": map[string]any{"id": "isNull", "options": map[string]any{}}}},
		}))
	}
	if p.Kind == KindHeatmap {
		row, col := "", ""
		switch {
		case len(p.By) == 1 && p.By[0] == "hour_of_week":
			row, col = "hour", "weekday"
		case len(p.By) == 2:
			row, col = p.By[0], p.By[1]
		default:
			return q, fmt.Errorf("a heatmap needs two dimensions or hour_of_week, has %v", p.By)
		}
		q.transforms = append(q.transforms, transform("groupingToMatrix", map[string]any{
			"rowField": row, "columnField": col, "valueField": p.Metrics[0], "emptyValue": "zero",
		}))
	}
	if len(p.Show) > 0 {
		exclude := map[string]bool{}
		for _, name := range p.Metrics {
			m, _ := reg.Get(name)
			for _, o := range m.Outputs {
				exclude[o.Name] = !contains(p.Show, o.Name)
			}
		}
		q.transforms = append(q.transforms, transform("organize", map[string]any{"excludeByName": exclude}))
	}
	if p.Sort != "" && p.Kind != KindTable {
		q.transforms = append(q.transforms, transform("sortBy", map[string]any{
			"sort": []map[string]any{{"field": strings.TrimPrefix(p.Sort, "-"), "desc": strings.HasPrefix(p.Sort, "-")}},
		}))
	}
	return q, nil
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// splitHourOfWeek turns the registry's hour_of_week ("Mon 10") into weekday
// and hour columns for the matrix, ordered hour by hour, Monday first. It
// reshapes the registry's rows; the metric's SQL is unchanged inside.
func splitHourOfWeek(sql, metric string) string {
	return "SELECT hw[2] AS hour, hw[1] AS weekday, `" + metric + "`\nFROM (SELECT splitByChar(' ', hour_of_week) AS hw, `" + metric + "` FROM (" + sql + "))\n" +
		"ORDER BY hour, indexOf(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], weekday)"
}

// metricSQL returns the registry's Grafana SQL of metric for panel p, its
// filters bound to the dashboard variables named after the dimensions.
func metricSQL(metric string, p Panel) (string, error) {
	vars := map[string]string{}
	for _, d := range p.FilteredBy {
		vars[d] = d
	}
	return registry().GrafanaSQL(metric, metrics.GrafanaOptions{By: p.By, TimeSeries: p.TimeSeries, Variables: vars})
}

var rangeMacroRe = regexp.MustCompile(`\$__timeFilter(?:_ms)?\(([^()]*)\)|\$__fromTime(?:_ms)?\b|\$__toTime(?:_ms)?\b`)

// shiftRange rewrites the range macros of a Grafana SQL so that it covers
// [from, to) instead of the dashboard's range; from and to are SQL
// expressions (written over $__toTime: one pass, so they are not rewritten).
func shiftRange(sql, from, to string) string {
	return rangeMacroRe.ReplaceAllStringFunc(sql, func(m string) string {
		switch {
		case strings.HasPrefix(m, "$__fromTime"):
			return from
		case strings.HasPrefix(m, "$__toTime"):
			return to
		}
		col := rangeMacroRe.FindStringSubmatch(m)[1]
		return col + " >= " + from + " AND " + col + " < " + to
	})
}

// withWoW wraps a metric's Grafana SQL into one row: the metric over the
// dashboard's range, and its week-over-week change (the 7 days that end at
// the range end minus the 7 days before), both in the metric's unit.
func withWoW(sql, metric string) string {
	week := shiftRange(sql, "($__toTime - INTERVAL 7 DAY)", "$__toTime")
	prev := shiftRange(sql, "($__toTime - INTERVAL 14 DAY)", "($__toTime - INTERVAL 7 DAY)")
	col := "`" + metric + "`"
	return "SELECT cur." + col + " AS " + col + ", wk." + col + " - prev." + col + " AS `" + wowField + "`\n" +
		"FROM (" + sql + ") AS cur,\n(" + week + ") AS wk,\n(" + prev + ") AS prev"
}

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
			// Row ids after the panels' so both stay stable and unique.
			b = b.WithRow(dashboard.NewRowBuilder(section).Id(uint32(len(d.Panels) + rows)))
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
	sql := q.GrafanaSQL()
	return dashboard.NewQueryVariableBuilder(v.Name).Label(v.Label).
		Datasource(ds.ref()).
		Query(dashboard.StringOrMap{Map: map[string]any{"editorType": "sql", "rawSql": sql, "format": FormatTable, "refId": "values"}}).
		Definition(sql).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(v.Multi).IncludeAll(true).Current(all), nil
}

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
	Span(uint32) B
	Height(uint32) B
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
func configure[B basics[B]](b B, p Panel, ds DataSource, targets []target) B {
	b = b.Id(uint32(p.ID)).Title(p.Title).Description(p.Description).
		Span(uint32(p.Width)).Height(uint32(p.Height)).NoValue("no data in range")
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
	for _, t := range targets {
		q := NewClickHouseQueryBuilder(t.sql).RefId(t.refID).Datasource(ds.ref())
		if t.timeSeries {
			q = q.TimeSeries()
		}
		b = b.WithTarget(q)
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
	targets, err := panelTargets(p)
	if err != nil {
		return nil, err
	}
	if refs := describeReferences(p.References); refs != "" {
		p.Description = strings.TrimSpace(p.Description + " " + refs)
	}
	switch p.Kind {
	case KindStat:
		b := configure(stat.NewPanelBuilder(), p, ds, targets).
			ReduceOptions(reduceAll()).
			GraphMode(common.BigValueGraphModeNone).
			ColorMode(common.BigValueColorModeValue).
			TextMode(common.BigValueTextModeValueAndName).
			JustifyMode(common.BigValueJustifyModeCenter).
			Orientation(common.VizOrientationHorizontal)
		if p.WoW {
			b = b.OverrideByName(wowField, fixedColor("text"))
		}
		return b, nil
	case KindGauge:
		b := configure(gauge.NewPanelBuilder(), p, ds, targets).
			ReduceOptions(reduceAll()).
			ShowThresholdMarkers(true).ShowThresholdLabels(false)
		if p.WoW {
			b = b.OverrideByName(wowField, fixedColor("text"))
		}
		return b, nil
	case KindTimeSeries:
		b := configure(timeseries.NewPanelBuilder(), p, ds, targets).
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
			return configure(bargauge.NewPanelBuilder(), p, ds, targets).
				ReduceOptions(reduceAll()).
				Orientation(common.VizOrientationHorizontal).
				DisplayMode(common.BarGaugeDisplayModeGradient).
				ShowUnfilled(true), nil
		}
		b := configure(barchart.NewPanelBuilder(), p, ds, targets).
			XField(p.By[0]).
			Legend(legend()).Tooltip(tooltip()).
			ShowValue(common.VisibilityModeAuto).
			Orientation(common.VizOrientationAuto).
			ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds))
		return b, nil
	case KindTable:
		b := configure(table.NewPanelBuilder(), p, ds, targets).
			CellHeight(common.TableCellHeightSm).
			Filterable(true)
		b = tableColumns(b, p)
		return b, nil
	case KindHeatmap:
		// Grafana's heatmap wants time on x; for category x category (hour
		// of week, model x topic) a table of coloured cells reads better.
		if len(p.By) < 2 {
			return nil, fmt.Errorf("a heatmap needs two dimensions, has %v", p.By)
		}
		b := configure(table.NewPanelBuilder(), p, ds, targets).
			CellHeight(common.TableCellHeightSm).
			WithTransformation(dashboard.DataTransformerConfig{Id: "groupingToMatrix", Options: map[string]any{
				"rowField": p.By[0], "columnField": p.By[1], "valueField": p.Metrics[0], "emptyValue": "zero",
			}}).
			ColorScheme(dashboard.NewFieldColorBuilder().Mode("continuous-BlYlRd")).
			CellOptions(common.TableCellOptions{TableColoredBackgroundCellOptions: &common.TableColoredBackgroundCellOptions{
				Type: common.TableCellDisplayModeColorBackground, Mode: cog.ToPtr(common.TableCellBackgroundDisplayModeGradient),
			}}).
			OverrideByName(p.By[0]+"\\"+p.By[1], []dashboard.DynamicConfigValue{
				{Id: "custom.cellOptions", Value: map[string]any{"type": "auto"}},
				{Id: "unit", Value: "string"},
			})
		return b, nil
	}
	return nil, fmt.Errorf("unknown panel kind %q", p.Kind)
}

func fixedColor(c string) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "color", Value: map[string]any{"mode": "fixed", "fixedColor": c}}}
}

// tableColumns colours the numeric columns a rows query names in its units.
func tableColumns(b *table.PanelBuilder, p Panel) *table.PanelBuilder {
	if p.Rows == "" {
		return b
	}
	q, err := Rows(p.Rows)
	if err != nil {
		return b
	}
	for _, col := range sortedKeys(q.Units) {
		unit, dec := grafanaUnit(q.Units[col])
		props := []dashboard.DynamicConfigValue{{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}}}
		if unit != "" {
			props = append(props, dashboard.DynamicConfigValue{Id: "unit", Value: unit}, dashboard.DynamicConfigValue{Id: "decimals", Value: dec})
		}
		b = b.OverrideByName(col, props)
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

// panelTargets returns the Grafana SQL of a panel: one target per metric
// (a WoW panel's target adds the change column), or the rows query.
func panelTargets(p Panel) ([]target, error) {
	if p.PromQL != "" {
		return nil, nil // drawn by promTarget in a Prometheus panel
	}
	if p.Rows != "" {
		q, err := Rows(p.Rows)
		if err != nil {
			return nil, err
		}
		return []target{{refID: "A", sql: q.GrafanaSQL()}}, nil
	}
	if len(p.Metrics) == 0 {
		return nil, fmt.Errorf("panel has neither metrics nor a rows query")
	}
	var out []target
	for i, m := range p.Metrics {
		sql, err := metricSQL(m, p)
		if err != nil {
			return nil, err
		}
		if p.WoW {
			sql = withWoW(sql, m)
		}
		out = append(out, target{refID: string(rune('A' + i)), sql: sql, timeSeries: p.TimeSeries})
	}
	return out, nil
}

// metricSQL returns the registry's Grafana SQL of metric for panel p.
var metricSQL = func(metric string, p Panel) (string, error) {
	return "", fmt.Errorf("metric %q: the metric registry is not wired in yet", metric)
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

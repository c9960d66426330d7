package dashboards

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// PluginID is the Grafana plugin id of the ClickHouse datasource (v4).
const PluginID = "grafana-clickhouse-datasource"

// PluginVersion is the plugin version the generated targets are written for.
const PluginVersion = "4.0.0"

// Formats of a ClickHouse target (the plugin's backend sqlutil formats).
const (
	FormatTimeSeries = 0
	FormatTable      = 1
	FormatLogs       = 2
	FormatTraces     = 3
)

// ClickHouseQuery is a target of the grafana-clickhouse-datasource plugin in
// SQL-editor form. The foundation SDK has no ClickHouse type, so this one
// implements its variants.Dataquery (see the SDK's examples/go/custom-query).
type ClickHouseQuery struct {
	RefId         string                `json:"refId"`
	Hide          *bool                 `json:"hide,omitempty"`
	Datasource    *common.DataSourceRef `json:"datasource,omitempty"`
	EditorType    string                `json:"editorType"`          // always "sql"
	QueryType     string                `json:"queryType,omitempty"` // "table" | "timeSeries"
	Format        int                   `json:"format"`              // FormatTimeSeries, FormatTable
	RawSql        string                `json:"rawSql"`
	PluginVersion string                `json:"pluginVersion,omitempty"`
}

// ImplementsDataqueryVariant marks ClickHouseQuery as a Dataquery.
func (ClickHouseQuery) ImplementsDataqueryVariant() {}

// DataqueryType is the plugin id.
func (ClickHouseQuery) DataqueryType() string { return PluginID }

// Equals compares two targets field by field.
func (q ClickHouseQuery) Equals(other variants.Dataquery) bool {
	o, ok := other.(ClickHouseQuery)
	if !ok {
		if p, isPtr := other.(*ClickHouseQuery); isPtr && p != nil {
			o, ok = *p, true
		}
	}
	return ok && reflect.DeepEqual(q, o)
}

// Validate reports a target the plugin could not run.
func (q ClickHouseQuery) Validate() error {
	var errs []error
	if q.RefId == "" {
		errs = append(errs, errors.New("clickhouse query: refId is empty"))
	}
	if q.EditorType != "sql" {
		errs = append(errs, fmt.Errorf("clickhouse query %s: editorType %q, want sql", q.RefId, q.EditorType))
	}
	if q.RawSql == "" {
		errs = append(errs, fmt.Errorf("clickhouse query %s: rawSql is empty", q.RefId))
	}
	if q.Format != FormatTimeSeries && q.Format != FormatTable {
		errs = append(errs, fmt.Errorf("clickhouse query %s: format %d, want %d (time series) or %d (table)", q.RefId, q.Format, FormatTimeSeries, FormatTable))
	}
	return errors.Join(errs...)
}

// ClickHouseQueryVariantConfig lets the SDK's runtime unmarshal dashboards
// holding ClickHouse targets (cog.NewRuntime().RegisterDataqueryVariant).
func ClickHouseQueryVariantConfig() variants.DataqueryConfig {
	unmarshal := func(raw []byte) (variants.Dataquery, error) {
		var q ClickHouseQuery
		if err := json.Unmarshal(raw, &q); err != nil {
			return nil, fmt.Errorf("decode clickhouse query: %w", err)
		}
		return q, nil
	}
	return variants.DataqueryConfig{
		Identifier:                 PluginID,
		DataqueryUnmarshaler:       unmarshal,
		StrictDataqueryUnmarshaler: unmarshal,
	}
}

var _ cog.Builder[variants.Dataquery] = (*ClickHouseQueryBuilder)(nil)

// ClickHouseQueryBuilder builds a ClickHouseQuery for the SDK's panel
// builders (WithTarget).
type ClickHouseQueryBuilder struct {
	q ClickHouseQuery
}

// NewClickHouseQueryBuilder starts a SQL-editor target in table format.
func NewClickHouseQueryBuilder(rawSQL string) *ClickHouseQueryBuilder {
	return &ClickHouseQueryBuilder{q: ClickHouseQuery{
		RefId: "A", EditorType: "sql", QueryType: "table", Format: FormatTable,
		RawSql: rawSQL, PluginVersion: PluginVersion,
	}}
}

// Build validates and returns the target.
func (b *ClickHouseQueryBuilder) Build() (variants.Dataquery, error) {
	if err := b.q.Validate(); err != nil {
		return nil, err
	}
	return b.q, nil
}

// RefId names the target within its panel (A, B, ...).
func (b *ClickHouseQueryBuilder) RefId(refID string) *ClickHouseQueryBuilder {
	b.q.RefId = refID
	return b
}

// Hide keeps the target out of the panel (still usable by transformations).
func (b *ClickHouseQueryBuilder) Hide(hide bool) *ClickHouseQueryBuilder {
	b.q.Hide = &hide
	return b
}

// Datasource points the target at a datasource instance.
func (b *ClickHouseQueryBuilder) Datasource(ref common.DataSourceRef) *ClickHouseQueryBuilder {
	b.q.Datasource = &ref
	return b
}

// TimeSeries switches the target to time-series format (a time column and
// numeric columns, one series per numeric column and label set).
func (b *ClickHouseQueryBuilder) TimeSeries() *ClickHouseQueryBuilder {
	b.q.Format, b.q.QueryType = FormatTimeSeries, "timeSeries"
	return b
}

// Table switches the target to table format.
func (b *ClickHouseQueryBuilder) Table() *ClickHouseQueryBuilder {
	b.q.Format, b.q.QueryType = FormatTable, "table"
	return b
}

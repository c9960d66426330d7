// Package dashboards describes voc's four dashboards once, in Go, as data:
// executive service quality, product feedback, operations/SLA (near real
// time) and employee suggestions. Every number a panel shows comes from the
// metric registry (package metrics): a panel names the metrics it reads and
// the dimensions it groups by, and takes its unit and description from the
// metric's header. Panels that show rows rather than numbers (customer
// quotes, suggestion lists, pipeline freshness) name a rows query owned by
// this package (see Rows), which runs through query parameters too.
//
// The same description is drawn twice:
//
//   - Grafana turns a Dashboard into dashboard JSON for the
//     grafana-clickhouse-datasource plugin (v4) with Grafana's typed
//     builders (grafana-foundation-sdk); Export adds the provisioning YAML for
//     the datasource and the dashboards folder, and Apply creates or updates
//     folder, datasource and dashboards through Grafana's HTTP API.
//   - `voc serve` draws the panels in voc's own web pages with ECharts,
//     running the panel's registry query (Panel.Query) itself.
//
// The Grafana SQL of a panel is the registry's (metrics.GrafanaSQL): macros
// $__fromTime/$__toTime/$__timeFilter/$__timeInterval stand for the
// dashboard's time range and the template variables channel, product_model
// and topic for the filters. Expand replaces those macros the way the
// plugin does, so tests run every panel's SQL against a real ClickHouse.
package dashboards

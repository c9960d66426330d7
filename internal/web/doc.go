// Package web is `voc serve`: voc's own web application, for organisations
// without Grafana and for analysts without a ClickHouse client.
//
//   - The four dashboards (package dashboards) as pages drawn in the browser
//     with Apache ECharts (vendored in static/vendor/echarts, embedded, no
//     CDN), with time-range, channel, product-model and topic controls; the
//     operations dashboard refreshes itself (Dashboard.Refresh, <= 10 s).
//     Every chart links to the rows behind it (/d/UID/rows/ID?...).
//   - The weekly report (/reports/2026-W46, /reports/latest) from
//     internal/report (Reports: built on demand, kept for a while).
//   - An SQL page for analysts (/sql) that runs their query as the read-only
//     ClickHouse user (internal/chusers' analyst), with a results table, CSV
//     download and the schema documentation beside it.
//   - A JSON API under /api/ that the pages use and users can script:
//     /api/dashboards, /api/panels/UID/ID, /api/rows/UID/ID, /api/metrics
//     (byte for byte what `voc metrics --format json` prints), /api/sql,
//     /api/schema, /api/reports/WEEK.
//
// The server connects to ClickHouse only as the analyst and checks at start
// that the user it was given is read-only (readonly >= 1): it never holds the
// pipeline's writer credentials. It binds to loopback unless an auth file
// (bcrypt-hashed users, see LoadAuthFile) is given, has timeouts on every
// phase of a request, shuts down gracefully, logs requests with slog,
// compresses responses, serves static assets with ETags, and turns a panic
// in a handler into a 500 and a log line.
package web

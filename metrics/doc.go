// Package metrics is voc's registry of business metrics: FCR, waits, service
// level, ticket SLA, CSAT/NPS, sentiment, top issues, the quality index. Each
// metric is one SQL file in sql/metrics/ with a header (name, definition,
// unit, direction, grain, time column, dimensions, parameters with defaults);
// the registry loads them from embed.FS and is the only place metric SQL
// lives: `voc metrics`, the weekly report, `voc serve` and the Grafana
// dashboards all run the same statements.
//
// A metric file is a ClickHouse SELECT over the documented analyst views
// (contacts, tickets, surveys, survey_answers, messages, suggestion_posts,
// service_categories) with ClickHouse query parameters for every value
// ({from:DateTime64(3, 'UTC')}, {repeat_window:UInt16} ...) and four markers
// the registry fills for the grouping asked for:
//
//	{{dims}}      dimension columns, each followed by a comma ("" without --by)
//	{{joins}}     joins the requested dimensions and filters need
//	{{filters}}   " AND dim IN {f_dim:Array(String)}" per filtered dimension
//	{{group_by}}  "GROUP BY ... ORDER BY ..." over the dimensions ("" without)
//
// Ranges are half-open [from, to) and days/weeks/hours are taken in the
// query's zone (default Asia/Shanghai). Rates are fractions in [0, 1],
// durations seconds, NPS -100..100, the quality index 0..100.
//
// The fixtures in testdata/*.test (promqltest style: load seed events, eval a
// query, expect rows computed by hand in comments) run against the embedded
// ClickHouse and are the correctness oracle for any storage change below the
// views. docs/metrics.md is generated from the headers (TestDocsUpToDate).
package metrics

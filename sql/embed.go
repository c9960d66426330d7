// Package sql holds voc's ClickHouse SQL as data: the numbered schema
// migrations (migrations/NNNN_name.sql) embedded into the binary and applied
// in order by internal/migrate (`voc migrate`), and the metric definitions
// (metrics/NAME.sql, one per metric, with a header) that the metrics package
// loads into its registry.
package sql

import "embed"

// Migrations is the migrations/ directory.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Metrics is the metrics/ directory: one SQL file per metric.
//
//go:embed metrics/*.sql
var Metrics embed.FS

// Package sql holds voc's ClickHouse SQL as data: the numbered schema
// migrations (migrations/NNNN_name.sql) embedded into the binary and applied
// in order by internal/migrate (`voc migrate`).
package sql

import "embed"

// Migrations is the migrations/ directory.
//
//go:embed migrations/*.sql
var Migrations embed.FS

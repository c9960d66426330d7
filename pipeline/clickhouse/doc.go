// Package clickhouse is the ClickHouse adapter of the pipeline. Open
// connects to a voc database: it refuses servers older than 25.8, applies
// the schema migrations on request and sizes the connection pool. Sink
// writes each batch with native-protocol batch inserts (clickhouse-go v2),
// one insert per table, into the event tables of sql/migrations and the
// rejects table. Rows carry event_id and land in ReplacingMergeTree tables,
// so writing a batch twice never double-counts.
package clickhouse

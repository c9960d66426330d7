// Package genload loads generated data (package generate) straight into a
// migrated ClickHouse database through the pipeline's own decode, text
// enrichment (PII redaction, sentiment, keywords, topics) and ClickHouse
// sink, without Kafka. Tests of everything that reads the tables (the weekly
// report, dashboards, the web app) and `make screenshots` use it to get a
// realistic, deterministic data set in seconds: the rows are the ones `voc
// run` would write for the same messages, except the Kafka provenance
// columns (partition 0, offsets numbered per topic).
package genload

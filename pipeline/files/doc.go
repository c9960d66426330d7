// Package files is the file adapter of the pipeline: `voc backfill` reads
// JSONL or Parquet files of contract events (docs/events.md), for example a
// legacy system's export, and sends every line through the same Runner as
// the Kafka stream — pipeline.Decode and its validation, the enricher, the
// ClickHouse sink — so a backfilled event is stored exactly as a streamed
// one, and a bad line goes to the rejects table with its reason, file and
// line.
//
// The Source implements pipeline.Source: each line is a Message whose
// Offset is its line number and whose Partition identifies the file (a
// negative number derived from the file's SHA-256, never a Kafka
// partition). Commit, called only after a batch is written, records a
// checkpoint per file in the backfill_files table, so an interrupted
// backfill (even kill -9) resumes after the last written line and a
// finished file is skipped. Lines re-sent after a crash collapse like Kafka
// redeliveries: events by event_id, rejects by (topic, partition, offset).
package files

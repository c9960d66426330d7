// Package export streams the result of a ClickHouse query into a file for
// analysts: Parquet (zstd), Arrow IPC (stream or file) or CSV.
//
// It reads ClickHouse's ArrowStream output over HTTP one record batch (one
// server block) at a time and writes each batch before reading the next, so
// memory does not grow with the number of rows. Types are kept: timestamps
// carry their time zone (DateTime is widened to DateTime64(0) on the server
// so it arrives as an Arrow timestamp), LowCardinality and Enum columns
// become Arrow dictionaries, arrays become lists, and Nullable columns hold
// nulls. Everything runs as ordinary SELECT queries without changing any
// setting, so it works for a readonly=1 user such as voc's `analyst`.
//
// Arrow comes from github.com/apache/arrow-go/v18, the maintained
// continuation of github.com/apache/arrow/go/v17 (the Go module moved out of
// the main Arrow repository after v17).
package export

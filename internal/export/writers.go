package export

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// DefaultRowGroupRows bounds a Parquet row group, and so the writer's memory.
const DefaultRowGroupRows = 256 * 1024

// maxRowGroupBytes starts a new row group early when rows are wide.
const maxRowGroupBytes = 64 << 20

func newRecordWriter(w io.Writer, schema *arrow.Schema, opt Options) (recordWriter, error) {
	switch opt.Format {
	case Parquet:
		return newParquetWriter(w, schema, opt)
	case Arrow, ArrowFile:
		ipcOpts := []ipc.Option{ipc.WithSchema(schema)}
		switch opt.Compression {
		case "", "none":
		case "zstd":
			ipcOpts = append(ipcOpts, ipc.WithZstd())
		case "lz4":
			ipcOpts = append(ipcOpts, ipc.WithLZ4())
		default:
			return nil, fmt.Errorf("--compression %q for %s: want none, zstd or lz4", opt.Compression, opt.Format)
		}
		if opt.Format == ArrowFile {
			return ipc.NewFileWriter(w, ipcOpts...)
		}
		return ipc.NewWriter(w, append(ipcOpts, ipc.WithDictionaryDeltas(true))...), nil
	case CSV:
		if opt.Compression != "" && opt.Compression != "none" {
			return nil, fmt.Errorf("--compression %q: csv is written uncompressed", opt.Compression)
		}
		return newCSVWriter(w, schema), nil
	}
	return nil, fmt.Errorf("format %q: want one of parquet, arrow, arrow-file, csv", opt.Format)
}

type parquetWriter struct {
	fw     *pqarrow.FileWriter
	rotate bool // start a new row group before the next write
}

func newParquetWriter(w io.Writer, schema *arrow.Schema, opt Options) (*parquetWriter, error) {
	codec := compress.Codecs.Zstd
	switch opt.Compression {
	case "", "zstd":
	case "snappy":
		codec = compress.Codecs.Snappy
	case "gzip":
		codec = compress.Codecs.Gzip
	case "lz4":
		codec = compress.Codecs.Lz4Raw
	case "brotli":
		codec = compress.Codecs.Brotli
	case "none":
		codec = compress.Codecs.Uncompressed
	default:
		return nil, fmt.Errorf("--compression %q for parquet: want zstd, snappy, gzip, lz4, brotli or none", opt.Compression)
	}
	rows := opt.RowGroupRows
	if rows <= 0 {
		rows = DefaultRowGroupRows
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(codec),
		parquet.WithDictionaryDefault(true),
		parquet.WithMaxRowGroupLength(rows),
		parquet.WithStats(true),
		parquet.WithCreatedBy("voc export (github.com/apache/arrow-go/v18)"),
	)
	// The stored Arrow schema brings back what Parquet's own types cannot
	// say: the time zone name of timestamps, dictionaries, ClickHouse types.
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("parquet writer for schema %s: %w", schema, err)
	}
	return &parquetWriter{fw: fw}, nil
}

func (p *parquetWriter) Write(rec arrow.RecordBatch) error {
	if p.rotate {
		if err := p.fw.NewBufferedRowGroupChecked(); err != nil {
			return err
		}
		p.rotate = false
	}
	if err := p.fw.WriteBuffered(rec); err != nil {
		return err
	}
	p.rotate = p.fw.RowGroupTotalBytesWritten() >= maxRowGroupBytes
	return nil
}

func (p *parquetWriter) Close() error { return p.fw.Close() }

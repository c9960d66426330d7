package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/voc-analytics/voc/metrics"
)

// Metadata keys on the columns of a metrics export.
const (
	MetaMetricUnit = "voc.unit" // ratio, seconds, count, ...
	MetaColumnKind = "voc.kind" // dimension | metric
)

// WriteResult writes a registry result (what `voc metrics` prints) in
// opt.Format: dimension columns as strings (dictionary-encoded where the
// format has dictionaries), metric columns as nullable float64 with their
// unit in the field metadata. Metric results are aggregates, one row per
// group, so they are converted in slices of resultBatchRows.
func WriteResult(ctx context.Context, res *metrics.Result, w io.Writer, opt Options) (Stats, error) {
	t0 := time.Now()
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return Stats{}, err
	}
	mem := memory.DefaultAllocator
	dict := opt.Format == Parquet || opt.Format == Arrow
	fields := make([]arrow.Field, len(res.Columns))
	for i, c := range res.Columns {
		md := arrow.NewMetadata([]string{MetaColumnKind}, []string{c.Kind})
		if c.Kind == "metric" {
			md = arrow.NewMetadata([]string{MetaColumnKind, MetaMetricUnit}, []string{c.Kind, c.Unit})
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true, Metadata: md}
			continue
		}
		var dt arrow.DataType = arrow.BinaryTypes.String
		if dict {
			dt = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		}
		fields[i] = arrow.Field{Name: c.Name, Type: dt, Metadata: md}
	}
	schema := arrow.NewSchema(fields, nil)
	out := &countingWriter{w: w}
	rw, err := newRecordWriter(out, schema, opt)
	if err != nil {
		return Stats{}, err
	}
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	st := Stats{Schema: schema}
	flush := func() error {
		rec := rb.NewRecordBatch()
		defer rec.Release()
		if rec.NumRows() == 0 && st.Rows > 0 {
			return nil
		}
		st.Rows += rec.NumRows()
		return rw.Write(rec)
	}
	for r, row := range res.Rows {
		if err := ctx.Err(); err != nil {
			rw.Close()
			return st, err
		}
		if len(row) != len(fields) {
			rw.Close()
			return st, fmt.Errorf("metrics result row %d has %d values for %d columns", r, len(row), len(fields))
		}
		for i, v := range row {
			if err := appendResultValue(rb.Field(i), v); err != nil {
				rw.Close()
				return st, fmt.Errorf("column %s row %d: %w", fields[i].Name, r, err)
			}
		}
		if (r+1)%resultBatchRows == 0 {
			if err := flush(); err != nil {
				rw.Close()
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		rw.Close()
		return st, err
	}
	if err := rw.Close(); err != nil {
		return st, err
	}
	st.BytesOut, st.Elapsed = out.n, time.Since(t0)
	if opt.Progress != nil {
		opt.Progress(Progress{Rows: st.Rows, Total: st.Rows, BytesOut: st.BytesOut})
	}
	return st, nil
}

const resultBatchRows = 65536

func appendResultValue(b array.Builder, v any) error {
	switch b := b.(type) {
	case *array.Float64Builder:
		switch x := v.(type) {
		case nil:
			b.AppendNull()
		case float64:
			b.Append(x)
		default:
			return fmt.Errorf("metric value %v (%T) is not a number", v, v)
		}
	case *array.StringBuilder:
		b.Append(fmt.Sprint(v))
	case *array.BinaryDictionaryBuilder:
		return b.AppendString(fmt.Sprint(v))
	default:
		return fmt.Errorf("no builder for %T", b)
	}
	return nil
}

package files

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetReader turns the rows of a Parquet file into contract JSON: either
// the file has a string column "value" holding each event's JSON (a dump of
// a topic), or its columns are the contract's fields (event_id, type,
// version, occurred_at, ...); NULLs are left out, timestamps become RFC 3339
// and dates YYYY-MM-DD, so Decode sees what a producer would have sent.
type parquetReader struct {
	f        *os.File
	pf       *file.Reader
	rr       pqarrow.RecordReader
	rec      arrow.RecordBatch
	row      int
	size     int64
	total    int64
	read     int64
	pos      int64 // absolute index of the next row
	valueCol int   // index of the raw JSON column, or -1
	names    []string
	skip     int64 // rows still to skip in the first batch
}

func openParquet(path string) (rowReader, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open backfill file: %w", err)
	}
	st, _ := fh.Stat()
	pf, err := file.NewParquetReader(fh)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	return &parquetReader{f: fh, pf: pf, size: st.Size(), total: pf.NumRows(), valueCol: -1}, nil
}

func (p *parquetReader) open(firstRow int64) error {
	fr, err := pqarrow.NewFileReader(p.pf, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	// Skip whole row groups before firstRow.
	var groups []int
	start := int64(0)
	for i := 0; i < p.pf.NumRowGroups(); i++ {
		n := p.pf.MetaData().RowGroup(i).NumRows()
		if start+n <= firstRow {
			start += n
			continue
		}
		groups = append(groups, i)
	}
	p.pos, p.skip = firstRow, firstRow-start
	rr, err := fr.GetRecordReader(context.Background(), nil, groups)
	if err != nil {
		return err
	}
	p.rr = rr
	schema := rr.Schema()
	for i, f := range schema.Fields() {
		p.names = append(p.names, f.Name)
		if f.Name == "value" && (f.Type.ID() == arrow.STRING || f.Type.ID() == arrow.BINARY || f.Type.ID() == arrow.LARGE_STRING) {
			p.valueCol = i
		}
	}
	if p.valueCol >= 0 && schema.HasField("event_id") {
		p.valueCol = -1 // contract columns win
	}
	return nil
}

func (p *parquetReader) Skip(n int64) error {
	if n > p.total {
		return fmt.Errorf("the file has %d rows, fewer than the checkpoint's %d: it changed", p.total, n)
	}
	return p.open(n)
}

func (p *parquetReader) Next() ([]byte, int64, error) {
	if p.rr == nil {
		if err := p.open(0); err != nil {
			return nil, 0, err
		}
	}
	for p.rec == nil || p.row >= int(p.rec.NumRows()) {
		if !p.rr.Next() {
			if err := p.rr.Err(); err != nil && err != io.EOF {
				return nil, 0, err
			}
			return nil, 0, io.EOF
		}
		p.rec, p.row = p.rr.RecordBatch(), 0
		if p.skip > 0 {
			k := min(p.skip, p.rec.NumRows())
			p.row, p.skip = int(k), p.skip-k
		}
	}
	i := p.row
	p.row++
	// Bytes consumed, estimated from the share of rows.
	before := p.read
	p.pos++
	p.read = int64(float64(p.size) * float64(p.pos) / float64(max(p.total, 1)))
	if p.valueCol >= 0 {
		col := p.rec.Column(p.valueCol)
		if col.IsNull(i) {
			return nil, p.read - before, nil
		}
		return []byte(col.ValueStr(i)), p.read - before, nil
	}
	obj := make(map[string]any, len(p.names))
	for c, name := range p.names {
		col := p.rec.Column(c)
		if col.IsNull(i) {
			continue
		}
		obj[name] = jsonValue(col, i)
	}
	b, err := json.Marshal(obj)
	return b, p.read - before, err
}

func (p *parquetReader) Close() error {
	if p.rr != nil {
		p.rr.Release()
	}
	p.pf.Close()
	return nil
}

func jsonValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		t := a.Value(i).ToTime(tt.Unit)
		if tt.TimeZone != "" {
			if loc, err := time.LoadLocation(tt.TimeZone); err == nil {
				t = t.In(loc)
			}
		}
		return t.Format(time.RFC3339Nano)
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Dictionary:
		return jsonValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.String:
		return a.Value(i)
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, jsonValue(a.ListValues(), int(j)))
		}
		return out
	}
	return a.GetOneForMarshal(i)
}

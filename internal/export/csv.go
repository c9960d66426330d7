package export

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// csvWriter writes RFC 4180 CSV with a header line. A NULL is an empty
// field and an empty string is "" (as PostgreSQL's COPY ... CSV does), so
// the two stay apart. Timestamps are RFC 3339 in their column's zone (with
// its offset, e.g. 2026-11-02T09:30:00.000+08:00), dates YYYY-MM-DD, arrays,
// maps and tuples JSON.
type csvWriter struct {
	w      *bufio.Writer
	schema *arrow.Schema
	header bool
	zones  []*time.Location
	buf    []byte
}

func newCSVWriter(w io.Writer, schema *arrow.Schema) *csvWriter {
	c := &csvWriter{w: bufio.NewWriterSize(w, 256<<10), schema: schema, zones: make([]*time.Location, schema.NumFields())}
	for i, f := range schema.Fields() {
		if ts, ok := f.Type.(*arrow.TimestampType); ok {
			c.zones[i] = time.UTC
			if ts.TimeZone != "" {
				if loc, err := time.LoadLocation(ts.TimeZone); err == nil {
					c.zones[i] = loc
				}
			}
		}
	}
	return c
}

func (c *csvWriter) writeHeader() {
	if c.header {
		return
	}
	for i, f := range c.schema.Fields() {
		if i > 0 {
			c.w.WriteByte(',')
		}
		c.field(f.Name, false)
	}
	c.w.WriteString("\r\n")
	c.header = true
}

func (c *csvWriter) Write(rec arrow.RecordBatch) error {
	c.writeHeader()
	cols := rec.Columns()
	for row := 0; row < int(rec.NumRows()); row++ {
		for i, col := range cols {
			if i > 0 {
				c.w.WriteByte(',')
			}
			if col.IsNull(row) {
				continue
			}
			c.value(i, col, row)
		}
		if _, err := c.w.WriteString("\r\n"); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) value(col int, a arrow.Array, i int) {
	b := c.buf[:0]
	text := false // may need quoting
	switch a := a.(type) {
	case *array.String:
		c.field(a.Value(i), true)
		return
	case *array.LargeString:
		c.field(a.Value(i), true)
		return
	case *array.Binary:
		c.field(string(a.Value(i)), true)
		return
	case *array.FixedSizeBinary:
		c.field(string(a.Value(i)), true)
		return
	case *array.Dictionary:
		c.value(col, a.Dictionary(), a.GetValueIndex(i))
		return
	case *array.Boolean:
		b = strconv.AppendBool(b, a.Value(i))
	case *array.Int8:
		b = strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int16:
		b = strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int32:
		b = strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int64:
		b = strconv.AppendInt(b, a.Value(i), 10)
	case *array.Uint8:
		b = strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint16:
		b = strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint32:
		b = strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint64:
		b = strconv.AppendUint(b, a.Value(i), 10)
	case *array.Float32:
		b = strconv.AppendFloat(b, float64(a.Value(i)), 'g', -1, 32)
	case *array.Float64:
		b = strconv.AppendFloat(b, a.Value(i), 'g', -1, 64)
	case *array.Date32:
		b = a.Value(i).ToTime().AppendFormat(b, time.DateOnly)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		loc := c.zones[col]
		if loc == nil {
			loc = time.UTC
		}
		b = a.Value(i).ToTime(unit).In(loc).AppendFormat(b, timestampLayout(unit))
	case *array.List, *array.LargeList, *array.FixedSizeList, *array.Map, *array.Struct:
		j, err := json.Marshal(a.GetOneForMarshal(i))
		if err != nil {
			j = []byte(a.ValueStr(i))
		}
		b = append(b, j...)
		text = true
	default:
		b = append(b, a.ValueStr(i)...)
		text = true
	}
	c.buf = b
	if text {
		c.field(string(b), true)
		return
	}
	c.w.Write(b)
}

func timestampLayout(u arrow.TimeUnit) string {
	switch u {
	case arrow.Second:
		return "2006-01-02T15:04:05Z07:00"
	case arrow.Millisecond:
		return "2006-01-02T15:04:05.000Z07:00"
	case arrow.Microsecond:
		return "2006-01-02T15:04:05.000000Z07:00"
	}
	return "2006-01-02T15:04:05.000000000Z07:00"
}

// field writes s, quoted when it must be; an empty non-NULL value is "".
func (c *csvWriter) field(s string, quoteEmpty bool) {
	if (s == "" && quoteEmpty) || strings.ContainsAny(s, ",\"\r\n") || (s != "" && (s[0] == ' ' || s[len(s)-1] == ' ')) {
		c.w.WriteByte('"')
		c.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
		c.w.WriteByte('"')
		return
	}
	c.w.WriteString(s)
}

// Close writes the header if no row came, and flushes.
func (c *csvWriter) Close() error {
	c.writeHeader()
	return c.w.Flush()
}

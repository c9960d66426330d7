package export

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MetaClickHouseType is the Arrow field metadata key holding the column's
// ClickHouse type as the query returned it (Parquet keeps it in the stored
// Arrow schema).
const MetaClickHouseType = "clickhouse.type"

// plan says, per column, what the server should send and what the file holds.
type plan struct {
	cols     []Column // as the query returns them
	sendAs   []chType // what the server is asked to send (portable types)
	cast     []bool   // sendAs differs from the column's type
	rewrites bool
}

func planColumns(cols []Column, serverZone string, minScale int) (*plan, error) {
	p := &plan{cols: cols}
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			return nil, fmt.Errorf("the query returns column %q twice: give each column its own name (AS ...)", c.Name)
		}
		seen[c.Name] = true
		t, err := parseType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		pt, changed := t.portable(serverZone, minScale)
		p.sendAs = append(p.sendAs, pt)
		p.cast = append(p.cast, changed)
		p.rewrites = p.rewrites || changed
	}
	return p, nil
}

// wrap returns the query the server runs: sql itself, or a SELECT over it
// that casts the columns whose types have no faithful Arrow form.
func (p *plan) wrap(sql string) string {
	if !p.rewrites {
		return sql
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range p.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		id := quoteIdent(c.Name)
		if p.cast[i] {
			fmt.Fprintf(&b, "CAST(%s AS %s) AS %s", id, p.sendAs[i], id)
		} else {
			b.WriteString(id)
		}
	}
	b.WriteString(" FROM (\n")
	b.WriteString(sql)
	b.WriteString("\n)")
	return b.String()
}

func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
}

// converter turns the server's record batches into the file's: string
// columns that are LowCardinality on the server become dictionaries (one
// dictionary per column for the whole export, growing as values appear, so
// an Arrow stream sends only deltas), everything else passes through.
type converter struct {
	mem      memory.Allocator
	schema   *arrow.Schema
	builders []array.Builder // nil: column passes through
}

// dicts: none, top (top-level columns only) or nested (inside lists too).
type dictMode int

const (
	noDicts dictMode = iota
	topDicts
	nestedDicts
)

func newConverter(mem memory.Allocator, src *arrow.Schema, p *plan, dicts dictMode) (*converter, error) {
	if src.NumFields() != len(p.cols) {
		return nil, fmt.Errorf("ClickHouse sent %d columns, the query describes %d", src.NumFields(), len(p.cols))
	}
	c := &converter{mem: mem, builders: make([]array.Builder, len(p.cols))}
	fields := make([]arrow.Field, src.NumFields())
	for i, f := range src.Fields() {
		target := f.Type
		if dicts != noDicts {
			target = withDictionaries(p.sendAs[i], f.Type, dicts == nestedDicts)
		}
		if !arrow.TypeEqual(target, f.Type) {
			c.builders[i] = array.NewBuilder(mem, target)
		}
		keys, vals := []string{MetaClickHouseType}, []string{p.cols[i].Type}
		for j, k := range f.Metadata.Keys() {
			if k != MetaClickHouseType {
				keys, vals = append(keys, k), append(vals, f.Metadata.Values()[j])
			}
		}
		fields[i] = arrow.Field{Name: f.Name, Type: target, Nullable: f.Nullable, Metadata: arrow.NewMetadata(keys, vals)}
	}
	c.schema = arrow.NewSchema(fields, nil)
	return c, nil
}

// withDictionaries maps LowCardinality positions of t onto dt (through
// Nullable and, when nested, Array) as dictionary<int32, value>.
func withDictionaries(t chType, dt arrow.DataType, nested bool) arrow.DataType {
	switch t.Name {
	case "LowCardinality":
		if len(t.Elems) == 1 && isDictValue(dt) {
			return &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: dt}
		}
	case "Nullable":
		if len(t.Elems) == 1 {
			return withDictionaries(t.Elems[0], dt, nested)
		}
	case "Array":
		if lt, ok := dt.(*arrow.ListType); ok && len(t.Elems) == 1 && nested {
			el := lt.ElemField()
			inner := withDictionaries(t.Elems[0], el.Type, nested)
			if !arrow.TypeEqual(inner, el.Type) {
				el.Type = inner
				return arrow.ListOfField(el)
			}
		}
	}
	return dt
}

func isDictValue(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.FIXED_SIZE_BINARY,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.DATE32:
		return true
	}
	return false
}

func (c *converter) convert(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, src := range rec.Columns() {
		b := c.builders[i]
		if b == nil {
			src.Retain()
			cols[i] = src
			continue
		}
		if err := appendConverted(b, src); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.schema.Field(i).Name, err)
		}
		cols[i] = b.NewArray()
	}
	return array.NewRecordBatch(c.schema, cols, rec.NumRows()), nil
}

// appendConverted appends src (the server's plain form) to b (the target form).
func appendConverted(b array.Builder, src arrow.Array) error {
	switch b := b.(type) {
	case array.DictionaryBuilder:
		return b.AppendArray(src)
	case *array.ListBuilder:
		l, ok := src.(*array.List)
		if !ok {
			return fmt.Errorf("want a list, ClickHouse sent %s", src.DataType())
		}
		if l.Len() == 0 {
			return nil
		}
		first, _ := l.ValueOffsets(0)
		_, last := l.ValueOffsets(l.Len() - 1)
		base := int32(b.ValueBuilder().Len())
		offsets := make([]int32, l.Len())
		valid := make([]bool, l.Len())
		for i := range offsets {
			start, _ := l.ValueOffsets(i)
			offsets[i] = base + int32(start-first)
			valid[i] = l.IsValid(i)
		}
		b.AppendValues(offsets, valid)
		values := array.NewSlice(l.ListValues(), first, last)
		defer values.Release()
		return appendConverted(b.ValueBuilder(), values)
	}
	return fmt.Errorf("no conversion from %s", src.DataType())
}

func (c *converter) release() {
	for _, b := range c.builders {
		if b != nil {
			b.Release()
		}
	}
}

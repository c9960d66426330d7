package metrics

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Column is one column of a result.
type Column struct {
	Name string
	Kind string // "dimension" | "metric"
	Unit string // metrics: ratio, seconds, count ...; dimensions: ""
}

// Result is a table: dimension columns first, then metric columns.
type Result struct {
	Columns []Column
	// Rows hold dimension values as strings (day "2026-11-02", week
	// "2026-W45") and metric values as float64, or nil where a metric has no
	// value (no data in the group, a ratio over nothing).
	Rows [][]any
}

// Run executes the query: one statement per metric, merged into one table on
// the dimension values. Rows keep the order of the first metric's statement
// (dimension order, or rank for ranked metrics); groups that only a later
// metric has follow in its order.
func (r *Registry) Run(ctx context.Context, conn driver.Conn, q Query) (*Result, error) {
	sts, err := r.Statements(q)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	dims := sts[0].Dims
	for _, d := range dims {
		res.Columns = append(res.Columns, Column{Name: d, Kind: "dimension"})
	}
	index := map[string]int{}
	offset := len(dims)
	width := len(dims)
	for _, st := range sts {
		width += len(st.Outputs)
	}
	for _, st := range sts {
		for _, o := range st.Outputs {
			res.Columns = append(res.Columns, Column{Name: o.Name, Kind: "metric", Unit: o.Unit})
		}
		rows, err := runStatement(ctx, conn, st)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			key := strings.Join(row.dims, "\x00")
			i, ok := index[key]
			if !ok && st.Companion {
				continue
			}
			if !ok {
				i = len(res.Rows)
				index[key] = i
				full := make([]any, width)
				for j, d := range row.dims {
					full[j] = d
				}
				res.Rows = append(res.Rows, full)
			}
			copy(res.Rows[i][offset:], row.values)
		}
		offset += len(st.Outputs)
	}
	return res, nil
}

type resultRow struct {
	dims   []string
	values []any
}

func runStatement(ctx context.Context, conn driver.Conn, st Statement) ([]resultRow, error) {
	ctx = clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters(st.Params)))
	rows, err := conn.Query(ctx, st.SQL)
	if err != nil {
		return nil, fmt.Errorf("metric %s: query ClickHouse: %w", st.Metric, err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	if want := len(st.Dims) + len(st.Outputs); len(types) != want {
		return nil, fmt.Errorf("metric %s: its SQL returns %d columns, want %d (dimensions %v, outputs %d)", st.Metric, len(types), want, st.Dims, len(st.Outputs))
	}
	var out []resultRow
	for rows.Next() {
		dest := make([]any, len(types))
		for i, t := range types {
			dest[i] = reflect.New(t.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("metric %s: read row: %w", st.Metric, err)
		}
		row := resultRow{}
		for i := range st.Dims {
			row.dims = append(row.dims, fmt.Sprint(deref(dest[i])))
		}
		for i := len(st.Dims); i < len(dest); i++ {
			v, err := toFloat(deref(dest[i]))
			if err != nil {
				return nil, fmt.Errorf("metric %s: column %s: %w", st.Metric, types[i].Name(), err)
			}
			row.values = append(row.values, v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metric %s: %w", st.Metric, err)
	}
	return out, nil
}

// deref follows pointers to the value (nil for a NULL).
func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	return rv.Interface()
}

// toFloat converts a numeric ClickHouse value to float64; NULL, NaN and
// infinities (a ratio over nothing) become nil.
func toFloat(v any) (any, error) {
	var f float64
	switch x := v.(type) {
	case nil:
		return nil, nil
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int8, int16, int32, int64, int:
		f = float64(reflect.ValueOf(x).Int())
	case uint8, uint16, uint32, uint64, uint:
		f = float64(reflect.ValueOf(x).Uint())
	case bool:
		if x {
			f = 1
		}
	default:
		return nil, fmt.Errorf("value %v of type %T is not a number", v, v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, nil
	}
	return round(f), nil
}

// round keeps 12 significant digits, dropping the noise of interpolated
// quantiles and float sums (1661.0000000000036 -> 1661) that no reader
// wants in a JSON or CSV export.
func round(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

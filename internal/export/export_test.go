package export_test

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/voc-analytics/voc/internal/export"
	"github.com/voc-analytics/voc/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// typedTable has every kind of column voc's tables and views use, and the
// awkward ones an analyst's query may return.
const typedTable = `CREATE TABLE typed (
	id      UInt64,
	ts      DateTime64(3, 'Asia/Shanghai'),
	ts_utc  DateTime64(6, 'UTC'),
	dt      DateTime('Europe/Berlin'),
	day     Date,
	day_n   Nullable(Date),
	lc      LowCardinality(String),
	lc_n    LowCardinality(Nullable(String)),
	tags    Array(LowCardinality(String)),
	words   Array(String),
	nums    Array(Nullable(Int32)),
	u8_n    Nullable(UInt8),
	i8      Int8,
	i64     Int64,
	f32     Float32,
	f64_n   Nullable(Float64),
	ok_n    Nullable(Bool),
	kind    Enum8('chat' = 1, 'call' = 2, 'ticket' = 3),
	amount  Decimal(18, 2),
	uid     UUID,
	txt     String,
	code    FixedString(3),
	attrs   Map(String, UInt32),
	ip      IPv4
) ENGINE = MergeTree ORDER BY id`

// typedRows fills typed with n deterministic rows: NULLs, empty strings,
// Chinese text, quotes and commas, empty and nested arrays.
func typedRows(n int) string {
	return fmt.Sprintf(`INSERT INTO typed SELECT
	number,
	toDateTime64('2026-11-02 09:30:00', 3, 'Asia/Shanghai') + toIntervalMillisecond(number * 1234567),
	toDateTime64('2026-11-02 01:30:00', 6, 'UTC') + toIntervalMicrosecond(number * 7654321),
	toDateTime('2026-11-02 02:00:00', 'Europe/Berlin') + number * 3601,
	toDate('2026-11-02') + number %% 40,
	if(number %% 3 = 0, NULL, toDate('2025-01-01') + number),
	['app', 'phone', 'wechat', 'web'][number %% 4 + 1],
	if(number %% 5 = 0, NULL, ['E8N 65', 'U7 55', ''][number %% 3 + 1]),
	arraySlice(['vip', 'elderly', 'gamer'], 1, number %% 4),
	if(number %% 2 = 0, ['遥控器', 'remote, "broken"'], []),
	[toInt32(number), NULL, -1],
	if(number %% 4 = 0, NULL, toUInt8(number %% 256)),
	toInt8(number %% 256 - 128),
	toInt64(number) * -1000000007,
	toFloat32(number) / 8,
	if(number %% 6 = 0, NULL, number / 3),
	if(number %% 3 = 0, NULL, number %% 2 = 0),
	['chat', 'call', 'ticket'][number %% 3 + 1],
	toDecimal64(number * 1.25, 2),
	toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number), 12, '0'))),
	if(number %% 7 = 0, '', concat('客户说: 电视遥控器坏了 #', toString(number), if(number %% 2 = 0, ' "quoted", comma', ''))),
	toFixedString(['abc', 'x', ''][number %% 3 + 1], 3),
	map('k', toUInt32(number), 'z', 7),
	toIPv4(number + 16909060)
FROM numbers(%d)`, n)
}

// wantTypes is what each column must be in the exported Arrow schema.
var wantTypes = map[string]string{
	"id":     "uint64",
	"ts":     "timestamp[ms, tz=Asia/Shanghai]",
	"ts_utc": "timestamp[us, tz=UTC]",
	"dt":     "timestamp[s, tz=Europe/Berlin]",
	"day":    "date32",
	"day_n":  "date32",
	"lc":     "dictionary<values=utf8, indices=int32, ordered=false>",
	"lc_n":   "dictionary<values=utf8, indices=int32, ordered=false>",
	"tags":   "list<item: dictionary<values=utf8, indices=int32, ordered=false>>",
	"words":  "list<item: utf8>",
	"nums":   "list<item: int32, nullable>",
	"u8_n":   "uint8",
	"i8":     "int8",
	"i64":    "int64",
	"f32":    "float32",
	"f64_n":  "float64",
	"ok_n":   "bool",
	"kind":   "dictionary<values=utf8, indices=int32, ordered=false>",
	"amount": "decimal(18, 2)",
	"uid":    "extension<arrow.uuid>",
	"txt":    "utf8",
	"code":   "fixed_size_binary[3]",
	"attrs":  "map<utf8, uint32, items_non_nullable>",
	"ip":     "utf8",
}

var wantNullable = map[string]bool{"day_n": true, "lc_n": true, "u8_n": true, "f64_n": true, "ok_n": true}

func newTyped(t testing.TB, rows int) (*testenv.DB, *export.Client) {
	t.Helper()
	db := testenv.NewDB(t)
	ctx := context.Background()
	if err := db.Conn.Exec(ctx, typedTable); err != nil {
		t.Fatal(err)
	}
	if err := db.Conn.Exec(ctx, typedRows(rows)); err != nil {
		t.Fatal(err)
	}
	return db, client(db)
}

func client(db *testenv.DB) *export.Client {
	// As the read-only analyst: export must need nothing more.
	return &export.Client{BaseURL: "http://" + db.Server.HTTPAddr, Database: db.Name, User: db.Server.Analyst.User, Password: db.Server.Analyst.Password}
}

// TestRoundTrip exports with each Arrow-based format, reads the file back
// with arrow-go and compares every value and type with a SELECT of the
// same data through clickhouse-go's native protocol.
func TestRoundTrip(t *testing.T) {
	const rows = 70_000 // more than one server block: dictionaries grow across batches
	db, c := newTyped(t, rows)
	want := selectRows(t, db.Conn, "SELECT * FROM typed ORDER BY id")
	for _, format := range []export.Format{export.Parquet, export.Arrow, export.ArrowFile} {
		t.Run(string(format), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "typed."+string(format))
			st, err := export.File(context.Background(), c, export.Request{SQL: "SELECT * FROM typed ORDER BY id"}, path, export.Options{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows != rows {
				t.Fatalf("export reported %d rows, want %d", st.Rows, rows)
			}
			schema, got := readBack(t, format, path)
			for _, f := range schema.Fields() {
				wantType := wantTypes[f.Name]
				if format == export.ArrowFile && strings.HasPrefix(wantType, "dictionary") {
					wantType = "utf8" // the IPC file format holds one dictionary per field: plain strings
				}
				if format != export.Arrow && f.Name == "tags" {
					wantType = "list<item: utf8>"
				}
				if format == export.Parquet {
					// Parquet has no seconds unit; its lists name their element "element".
					wantType = strings.Replace(wantType, "timestamp[s,", "timestamp[ms,", 1)
					wantType = strings.Replace(wantType, "list<item:", "list<element:", 1)
				}
				if f.Type.String() != wantType {
					t.Errorf("column %s: type %s, want %s", f.Name, f.Type, wantType)
				}
				if f.Nullable != wantNullable[f.Name] {
					t.Errorf("column %s: nullable %v, want %v", f.Name, f.Nullable, wantNullable[f.Name])
				}
				if ct, ok := f.Metadata.GetValue(export.MetaClickHouseType); !ok || ct == "" {
					t.Errorf("column %s: no %s metadata", f.Name, export.MetaClickHouseType)
				}
			}
			if len(schema.Fields()) != len(wantTypes) {
				t.Errorf("%d columns, want %d", len(schema.Fields()), len(wantTypes))
			}
			compareRows(t, schema, got, want)
		})
	}
}

func compareRows(t *testing.T, schema *arrow.Schema, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows read back, SELECT gives %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			for j := range want[i] {
				if got[i][j] != want[i][j] && bad < 10 {
					t.Errorf("row %d column %s: export %q, SELECT %q", i, schema.Field(j).Name, got[i][j], want[i][j])
					bad++
				}
			}
		}
	}
}

// readBack reads an exported file with arrow-go and renders each value as canon does.
func readBack(t *testing.T, format export.Format, path string) (*arrow.Schema, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	add := func(rec arrow.RecordBatch) {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for j, col := range rec.Columns() {
				row[j] = canonArrow(col, i)
			}
			rows = append(rows, row)
		}
	}
	switch format {
	case export.Parquet:
		pf, err := file.NewParquetReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer pf.Close()
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 10000}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := fr.GetRecordReader(context.Background(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		for rr.Next() {
			add(rr.RecordBatch())
		}
		if err := rr.Err(); err != nil && err.Error() != "EOF" {
			t.Fatal(err)
		}
		return rr.Schema(), rows
	case export.Arrow:
		r, err := ipc.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		for r.Next() {
			add(r.RecordBatch())
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return r.Schema(), rows
	case export.ArrowFile:
		r, err := ipc.NewFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for i := 0; i < r.NumRecords(); i++ {
			rec, err := r.RecordBatchAt(i)
			if err != nil {
				t.Fatal(err)
			}
			add(rec)
			rec.Release()
		}
		return r.Schema(), rows
	}
	t.Fatalf("no reader for %s", format)
	return nil, nil
}

// selectRows reads a query through clickhouse-go (native protocol) and
// renders each value as canonArrow renders the exported one.
func selectRows(t *testing.T, conn driver.Conn, sql string) [][]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out [][]string
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			row[i] = canonGo(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// canonGo renders a clickhouse-go value: times as UTC instants with the
// zone name, NULL as NULL, arrays as [a|b], maps sorted.
func canonGo(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "NULL"
		}
		return canonGo(rv.Elem().Interface())
	}
	switch v := v.(type) {
	case time.Time:
		return canonTime(v)
	case decimal.Decimal:
		return v.StringFixed(v.Exponent() * -1)
	case uuid.UUID:
		return v.String()
	case net.IP:
		return fmt.Sprintf("%q", v.String()) // exported as text
	case string:
		return fmt.Sprintf("%q", v)
	case *big.Int:
		return v.String()
	}
	switch rv.Kind() {
	case reflect.Slice:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = canonGo(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, "|") + "]"
	case reflect.Map:
		var parts []string
		for _, k := range rv.MapKeys() {
			parts = append(parts, canonGo(k.Interface())+":"+canonGo(rv.MapIndex(k).Interface()))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprint(v)
}

func canonTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && (t.Location() == time.UTC || t.Location().String() == "Etc/UTC") {
		// clickhouse-go returns Date as midnight UTC; Arrow has date32.
		return t.Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339Nano) + " " + t.Location().String()
}

func canonArrow(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	switch a := a.(type) {
	case *array.Dictionary:
		return canonArrow(a.Dictionary(), a.GetValueIndex(i))
	case *array.String:
		return fmt.Sprintf("%q", a.Value(i))
	case *array.FixedSizeBinary:
		return fmt.Sprintf("%q", string(a.Value(i)))
	case *extensions.UUIDArray:
		return a.Value(i).String()
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		loc, err := time.LoadLocation(tt.TimeZone)
		if err != nil {
			return "bad zone " + tt.TimeZone
		}
		return canonTime(a.Value(i).ToTime(tt.Unit).In(loc))
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Decimal128:
		dt := a.DataType().(*arrow.Decimal128Type)
		return decimal128.Num(a.Value(i)).ToString(dt.Scale)
	case *array.Map:
		keys, items := a.Keys(), a.Items()
		start, end := a.ValueOffsets(i)
		var parts []string
		for j := start; j < end; j++ {
			parts = append(parts, canonArrow(keys, int(j))+":"+canonArrow(items, int(j)))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	case *array.List:
		start, end := a.ValueOffsets(i)
		parts := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			parts = append(parts, canonArrow(a.ListValues(), int(j)))
		}
		return "[" + strings.Join(parts, "|") + "]"
	}
	return a.ValueStr(i)
}

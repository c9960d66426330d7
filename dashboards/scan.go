package dashboards

import (
	"reflect"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// newScanTarget returns a pointer to a value of the Go type clickhouse-go
// scans column t into.
func newScanTarget(t driver.ColumnType) any {
	return reflect.New(t.ScanType()).Interface()
}

// deref returns the value a scan target points at, with nil for a NULL.
func deref(p any) any {
	v := reflect.ValueOf(p).Elem()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

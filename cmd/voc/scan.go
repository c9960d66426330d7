package main

import "reflect"

// newScanValue allocates a destination for a column of type t.
func newScanValue(t reflect.Type) any { return reflect.New(t).Interface() }

// deref returns the value behind a scan destination, "NULL" for nil pointers.
func deref(p any) any {
	v := reflect.ValueOf(p).Elem()
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "NULL"
		}
		v = v.Elem()
	}
	return v.Interface()
}

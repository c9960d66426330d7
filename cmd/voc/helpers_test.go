package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// checkViewsExact compares the analyst views with the totals of s.
func checkViewsExact(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	for _, c := range s.ExactChecks() {
		var got uint64
		if err := db.Conn.QueryRow(context.Background(), c.Query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.Query, err)
		}
		if got != c.Want {
			t.Errorf("%s = %d, want %d", c.Query, got, c.Want)
		}
	}
}

package export_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/voc-analytics/voc/internal/export"
)

// TestEdgeCases: columns whose dictionaries are empty (only empty arrays,
// only NULLs) and results without rows still make valid files.
func TestEdgeCases(t *testing.T) {
	_, c := newTyped(t, 0)
	cases := []struct{ name, sql string }{
		{"empty arrays of LowCardinality", "SELECT CAST([] AS Array(LowCardinality(String))) AS tags FROM numbers(3)"},
		{"only NULL LowCardinality", "SELECT CAST(NULL AS LowCardinality(Nullable(String))) AS lc FROM numbers(3)"},
		{"no rows", "SELECT * FROM typed"},
		{"empty strings", "SELECT toLowCardinality('') AS lc, '' AS s FROM numbers(2)"},
	}
	for _, tc := range cases {
		for _, format := range export.Formats {
			t.Run(tc.name+"/"+string(format), func(t *testing.T) {
				var buf bytes.Buffer
				if _, err := export.Write(context.Background(), c, export.Request{SQL: tc.sql}, &buf, export.Options{Format: format}); err != nil {
					t.Fatal(err)
				}
				if buf.Len() == 0 {
					t.Error("empty output")
				}
			})
		}
	}
}

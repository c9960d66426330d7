package export_test

import (
	"context"
	"io"
	"testing"

	"github.com/voc-analytics/voc/internal/export"
	"github.com/voc-analytics/voc/internal/testenv"
)

// TestAnalystExportsOverAMillionRows: the analyst's profile once capped a
// result at 1 M rows, so an export of more failed with
// TOO_MANY_ROWS_OR_BYTES. An export as the analyst now gets every row.
func TestAnalystExportsOverAMillionRows(t *testing.T) {
	db := testenv.NewDB(t)
	const n = 1_500_000
	st, err := export.Write(context.Background(), client(db), export.Request{SQL: "SELECT number AS n FROM numbers(1500000)"}, io.Discard, export.Options{Format: export.CSV})
	if err != nil {
		t.Fatalf("export of %d rows as the analyst: %v", n, err)
	}
	if st.Rows != n {
		t.Fatalf("exported %d rows, want %d", st.Rows, n)
	}
}

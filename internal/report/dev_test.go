package report_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/report"
)

func TestDev(t *testing.T) {
	dsn := os.Getenv("VOC_REPORT_DEV_DSN")
	if dsn == "" {
		t.Skip()
	}
	opts, _ := clickhouse.ParseDSN(dsn)
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w, _ := report.ParseWeek(os.Getenv("WEEK"), sh)
	t0 := time.Now()
	r, err := report.Build(context.Background(), conn, report.Options{Week: w, Now: time.Date(2026, 12, 31, 0, 0, 0, 0, sh), Lang: os.Getenv("LANG_")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built in %s", time.Since(t0))
	for _, f := range report.Formats {
		out, _ := os.Create("/tmp/report/dev." + f)
		report.Render(out, r, f)
		out.Close()
	}
}

package main

import (
	"context"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/internal/web"
)

// dashboards photographs voc serve's four dashboards (docs/img/dashboard-UID.png)
// over the generated history, served as the read-only analyst with the
// clock at the end of the history, so that every default range has data.
func dashboards(ctx context.Context, e *Env) error {
	conn, err := clickhouse.Open(e.Analyst)
	if err != nil {
		return err
	}
	defer conn.Close()
	now := e.Config.Start.AddDate(0, 0, e.Config.Days).Add(-2 * time.Hour)
	clock := func() time.Time { return now }
	srv, err := web.New(web.Config{Conn: conn, Database: e.Analyst.Auth.Database, Now: clock, Log: e.Log,
		Reports: web.NewReports(conn, web.ReportsConfig{Now: clock, Options: report.Options{Log: e.Log}})})
	if err != nil {
		return err
	}
	files, err := srv.PhotographDashboards(ctx, e.Chromium, e.OutDir)
	for _, f := range files {
		e.Log.Info("screenshot written", "file", f)
	}
	return err
}

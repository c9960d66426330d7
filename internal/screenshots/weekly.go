package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/voc-analytics/voc/internal/browser"
	"github.com/voc-analytics/voc/internal/report"
)

// weeklyReport photographs the HTML weekly report of the history's third
// week (2026-W46 with the defaults, when the planted issue starts), on a
// laptop and on a phone.
func weeklyReport(ctx context.Context, e *Env) error {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	w := report.WeekOf(e.Config.Start.AddDate(0, 0, 14).In(zone))
	r, err := report.Build(ctx, e.Conn, report.Options{Week: w, Lang: "zh", Now: e.Config.Start.AddDate(0, 0, e.Config.Days+30), Log: e.Log})
	if err != nil {
		return err
	}
	page := filepath.Join(os.TempDir(), "voc-weekly-report-"+r.Week+".html")
	f, err := os.Create(page)
	if err != nil {
		return err
	}
	defer os.Remove(page)
	if err := report.RenderHTML(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := e.Photograph(ctx, "weekly-report", "file://"+page, browser.Options{Width: 1200, Height: 2200}); err != nil {
		return err
	}
	return e.Photograph(ctx, "weekly-report-phone", "file://"+page, browser.Options{Width: 390, Height: 1700, Mobile: true, Scale: 2})
}

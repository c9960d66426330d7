package main

import (
	"errors"
	"time"

	"github.com/voc-analytics/voc/internal/export"
)

// metricRequest exports registry metrics. The registry (package metrics) is
// not on main yet; until it lands --metric says so.
func metricRequest(names []string, rng export.TimeRange, zone *time.Location) (export.Request, error) {
	return export.Request{}, errors.New("--metric needs the metrics registry, which is not built yet; use --table or --query")
}

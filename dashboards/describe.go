package dashboards

import "fmt"

// metricInfo returns a metric's unit, definition and grain from the
// registry.
var metricInfo = func(name string) (unit, definition, grain string, err error) {
	return "", "", "", fmt.Errorf("metric %q: the metric registry is not wired in yet", name)
}

// describe fills a panel's unit, description and detail from its metrics'
// headers (metric panels) or its rows query (rows panels), keeping what
// the definition set explicitly.
func describe(p *Panel) {
	if len(p.Metrics) > 0 {
		unit, def, grain, err := metricInfo(p.Metrics[0])
		if err != nil {
			return
		}
		if p.Unit == "" {
			p.Unit = unit
		}
		if p.Description == "" {
			p.Description = def
			for _, m := range p.Metrics[1:] {
				if _, d, _, err := metricInfo(m); err == nil {
					p.Description += " " + d
				}
			}
		}
		if p.Detail == "" {
			p.Detail = grain
		}
		return
	}
	if p.Rows != "" {
		q, err := Rows(p.Rows)
		if err != nil {
			return
		}
		if p.Description == "" {
			p.Description = q.Description
		}
		if p.Detail == "" {
			p.Detail = q.Detail
		}
	}
}

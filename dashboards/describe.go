package dashboards

import (
	"fmt"
	"strings"

	"github.com/voc-analytics/voc/metrics"
)

// registry is the metric registry the dashboards read (tests may swap it).
var registry = metrics.Default

// grainViews are the analyst views holding one row per grain.
var grainViews = map[string]string{
	"contact": "contacts", "ticket": "tickets", "survey": "survey_answers",
	"message": "messages", "post": "suggestion_posts",
}

// dimensionLabels name dimensions in descriptions.
var dimensionLabels = map[string]string{"channel": "channel", "product_model": "product model", "topic": "topic"}

// describe fills what a panel takes from elsewhere: a metric panel's unit,
// description (the metric's definition) and detail (its grain) from the
// registry, a rows panel's from its rows query; and which of the
// dashboard's variables filter it. Explicit values are kept.
func describe(p *Panel, vars []Variable) error {
	if len(p.Metrics) > 0 {
		reg := registry()
		var defs []string
		for i, name := range p.Metrics {
			m, err := reg.Get(name)
			if err != nil {
				return err
			}
			if i == 0 {
				if p.Unit == "" {
					p.Unit = m.Unit
				}
				if p.Detail == "" {
					p.Detail = grainViews[m.Grain]
				}
			}
			def := m.Definition
			if len(p.Metrics) > 1 {
				def = m.Title + ": " + def
			}
			defs = append(defs, def)
		}
		if p.Description == "" {
			p.Description = strings.Join(defs, " ")
		}
		var unfiltered []string
		for _, v := range vars {
			if filters(reg, p.Metrics, v.Dimension) {
				p.FilteredBy = append(p.FilteredBy, v.Dimension)
			} else {
				unfiltered = append(unfiltered, dimensionLabels[v.Dimension])
			}
		}
		if len(unfiltered) > 0 {
			p.Description += " Not filtered by " + strings.Join(unfiltered, " or ") + " (the metric has no such dimension)."
		}
		return nil
	}
	if p.Rows != "" {
		q, err := Rows(p.Rows)
		if err != nil {
			return err
		}
		if p.Description == "" {
			p.Description = q.Description
		}
		if p.Detail == "" {
			p.Detail = q.Detail
		}
		dims := q.Dimensions()
		for _, v := range vars {
			if contains(dims, v.Dimension) {
				p.FilteredBy = append(p.FilteredBy, v.Dimension)
			}
		}
		return nil
	}
	if p.PromQL == "" {
		return fmt.Errorf("panel %q reads neither metrics, a rows query nor Prometheus", p.Title)
	}
	return nil
}

// filters reports whether every metric can be filtered by dim.
func filters(reg *metrics.Registry, names []string, dim string) bool {
	for _, n := range names {
		m, err := reg.Get(n)
		if err != nil || !contains(m.Dimensions, dim) {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

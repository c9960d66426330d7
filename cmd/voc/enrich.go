package main

import (
	"fmt"

	"github.com/voc-analytics/voc/pipeline"
)

const (
	defaultEnrich = "none"
	enrichChoices = "none (store texts unchanged)"
)

// newEnricher returns the text enricher named by --enrich.
func newEnricher(name string) (pipeline.Enricher, error) {
	switch name {
	case "none":
		return pipeline.NopEnricher{}, nil
	}
	return nil, fmt.Errorf("--enrich %q: choose %s", name, enrichChoices)
}

package main

import (
	"fmt"

	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

const (
	defaultEnrich = enrich.Full
	enrichChoices = enrich.Choices
)

// newEnricher returns the text enricher named by --enrich.
func newEnricher(name string) (pipeline.Enricher, error) {
	e, err := enrich.New(name)
	if err != nil {
		return nil, fmt.Errorf("--enrich: %w", err)
	}
	return e, nil
}

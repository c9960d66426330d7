package main

import (
	"fmt"

	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/sentiment"
)

const (
	defaultEnrich = "full"
	enrichChoices = "full (redact PII, language, sentiment, keywords, topics) or none (store texts unchanged: only for data without personal data)"
)

// newEnricher returns the text enricher named by --enrich.
func newEnricher(name string) (pipeline.Enricher, error) {
	switch name {
	case "none":
		return pipeline.NopEnricher{}, nil
	case "full":
		a, err := sentiment.New()
		if err != nil {
			return nil, fmt.Errorf("load text analytics: %w", err)
		}
		return sentimentEnricher{a}, nil
	}
	return nil, fmt.Errorf("--enrich %q: choose %s", name, enrichChoices)
}

// sentimentEnricher adapts sentiment.Analyzer to the pipeline's Enricher.
type sentimentEnricher struct{ a *sentiment.Analyzer }

func (e sentimentEnricher) Enrich(text string) pipeline.Enrichment {
	r := e.a.Analyze(text)
	return pipeline.Enrichment{Redacted: r.Redacted, PII: r.PII, Lang: r.Lang, Score: r.Score, Label: r.Label, Keywords: r.Keywords, Topics: r.Topics}
}

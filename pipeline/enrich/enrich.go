package enrich

import (
	"fmt"

	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/sentiment"
)

// Names of the enrichers New accepts.
const (
	Full = "full" // redact PII, language, sentiment, keywords, topics
	None = "none" // store texts unchanged
)

// Choices describes the names for --help.
const Choices = Full + " (redact PII, language, sentiment, keywords, topics) or " + None + " (store texts unchanged: only for data without personal data)"

// New returns the enricher called name.
func New(name string) (pipeline.Enricher, error) {
	switch name {
	case None:
		return pipeline.NopEnricher{}, nil
	case Full:
		a, err := sentiment.New()
		if err != nil {
			return nil, fmt.Errorf("load text analytics: %w", err)
		}
		return Analyzer{a}, nil
	}
	return nil, fmt.Errorf("enricher %q: choose %s", name, Choices)
}

// Analyzer is a sentiment.Analyzer seen as a pipeline.Enricher. It is safe
// for concurrent use because the analyzer is.
type Analyzer struct{ A *sentiment.Analyzer }

// Enrich analyses one text; the stored text is the redacted one.
func (e Analyzer) Enrich(text string) pipeline.Enrichment {
	r := e.A.Analyze(text)
	return pipeline.Enrichment{Redacted: r.Redacted, PII: r.PII, Lang: r.Lang, Score: r.Score, Label: r.Label, Keywords: r.Keywords, Topics: r.Topics}
}

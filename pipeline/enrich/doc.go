// Package enrich adapts voc's text analytics (package sentiment: PII
// redaction, language, sentiment, keywords, topics) to the pipeline's
// Enricher interface, and names the enrichers `voc run --enrich` offers.
//
// It is the only place where the ingestion pipeline meets the sentiment
// package, so either side can change without touching the other.
package enrich

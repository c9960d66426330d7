// Package testload loads generated history into a test database through
// the pipeline's validation, redaction and enrichment (internal/genload),
// with the text analytics loaded once per test binary. Tests only.
package testload

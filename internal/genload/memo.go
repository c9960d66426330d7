package genload

import (
	"slices"
	"sync"

	"github.com/voc-analytics/voc/pipeline"
)

// Memo wraps an enricher with a cache by text. Text analytics is a pure
// function of the text and generated histories repeat their template texts
// (bot greetings, agent phrases, common complaints) a lot: a month of
// generated chats has about 3.5 times fewer distinct texts than texts, so
// loading is that much faster with the same rows. For bounded data sets
// only: the cache keeps every distinct text.
func Memo(e pipeline.Enricher) pipeline.Enricher {
	if _, nop := e.(pipeline.NopEnricher); nop {
		return e
	}
	return &memo{e: e, m: map[string]pipeline.Enrichment{}}
}

type memo struct {
	e  pipeline.Enricher
	mu sync.RWMutex
	m  map[string]pipeline.Enrichment
}

func (c *memo) Enrich(text string) pipeline.Enrichment {
	c.mu.RLock()
	en, ok := c.m[text]
	c.mu.RUnlock()
	if !ok {
		en = c.e.Enrich(text)
		c.mu.Lock()
		c.m[text] = en
		c.mu.Unlock()
	}
	// Callers may keep or change the slices: give each its own.
	en.PII, en.Keywords, en.Topics = slices.Clone(en.PII), slices.Clone(en.Keywords), slices.Clone(en.Topics)
	return en
}

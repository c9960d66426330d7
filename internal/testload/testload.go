package testload

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

var (
	enricherOnce sync.Once
	enricher     pipeline.Enricher
	enricherErr  error
)

// Enricher is the pipeline's full text analytics (enrich.Full), loaded
// once per test binary: loading it takes seconds.
func Enricher(t testing.TB) pipeline.Enricher {
	t.Helper()
	enricherOnce.Do(func() { enricher, enricherErr = enrich.New(enrich.Full) })
	if enricherErr != nil {
		t.Fatal(enricherErr)
	}
	return enricher
}

// Load puts cfg's generated history into db, enriched as voc run would,
// and logs what it loaded and how long it took.
func Load(t testing.TB, db *testenv.DB, cfg generate.Config, opts genload.Options) *generate.Summary {
	t.Helper()
	t0 := time.Now()
	sum, err := genload.Load(context.Background(), db.Conn, cfg, Enricher(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d days x %d contacts/day (seed %d, emerging %v %q from day %d): %d contacts, in %s",
		cfg.Days, cfg.ContactsPerDay, cfg.Seed, cfg.EmergingIssue, cfg.EmergingModel, cfg.EmergingFromDay, sum.Contacts, time.Since(t0).Round(time.Millisecond))
	return sum
}

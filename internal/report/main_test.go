package report_test

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

func TestMain(m *testing.M) { testenv.Main(m) }

var (
	analyzerOnce sync.Once
	analyzer     pipeline.Enricher
	analyzerErr  error
)

// fullEnricher is the pipeline's text analytics, loaded once per test binary.
func fullEnricher(t *testing.T) pipeline.Enricher {
	t.Helper()
	analyzerOnce.Do(func() { analyzer, analyzerErr = enrich.New(enrich.Full) })
	if analyzerErr != nil {
		t.Fatal(analyzerErr)
	}
	return analyzer
}

// loadGenerated puts cfg's history into a fresh database, through the
// pipeline's validation, redaction and enrichment.
func loadGenerated(t *testing.T, cfg generate.Config) *testenv.DB {
	t.Helper()
	db := testenv.NewDB(t)
	t0 := time.Now()
	sum, err := genload.Load(context.Background(), db.Conn, cfg, fullEnricher(t), genload.Options{Optimize: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d days x %d contacts/day (seed %d, emerging %v %q from day %d): %d contacts, %d emerging, in %s",
		cfg.Days, cfg.ContactsPerDay, cfg.Seed, cfg.EmergingIssue, cfg.EmergingModel, cfg.EmergingFromDay, sum.Contacts, sum.EmergingContacts, time.Since(t0).Round(time.Millisecond))
	return db
}

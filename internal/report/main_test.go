package report_test

import (
	"testing"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testload"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// loadGenerated puts cfg's history into a fresh database, through the
// pipeline's validation, redaction and enrichment.
func loadGenerated(t *testing.T, cfg generate.Config) *testenv.DB {
	t.Helper()
	db := testenv.NewDB(t)
	testload.Load(t, db, cfg, genload.Options{Optimize: true})
	return db
}

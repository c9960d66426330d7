package dashboards

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

// demoDays of generated history start on generate's default start date.
const demoDays = 14

// demoStart and demoEnd bound the generated history.
var (
	demoStart = generate.DefaultConfig().Start
	demoEnd   = demoStart.AddDate(0, 0, demoDays)
)

var (
	enricherOnce sync.Once
	enricher     pipeline.Enricher
	enricherErr  error
)

// loadGenerated fills db with contactsPerDay x demoDays of generated history,
// enriched as voc run would (topics, sentiment, redaction).
func loadGenerated(t testing.TB, db *testenv.DB, contactsPerDay int) *generate.Summary {
	t.Helper()
	enricherOnce.Do(func() { enricher, enricherErr = enrich.New(enrich.Full) })
	if enricherErr != nil {
		t.Fatal(enricherErr)
	}
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = demoDays, contactsPerDay
	t0 := time.Now()
	sum, err := genload.Load(context.Background(), db.Conn, cfg, enricher, genload.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d days x %d contacts/day of generated history in %s", cfg.Days, cfg.ContactsPerDay, time.Since(t0).Round(time.Millisecond))
	return sum
}

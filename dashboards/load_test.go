package dashboards

import (
	"testing"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testload"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// demoDays of generated history start on generate's default start date.
const demoDays = 14

// demoStart and demoEnd bound the generated history.
var (
	demoStart = generate.DefaultConfig().Start
	demoEnd   = demoStart.AddDate(0, 0, demoDays)
)

// loadGenerated fills db with contactsPerDay x demoDays of generated history,
// enriched as voc run would (topics, sentiment, redaction).
func loadGenerated(t testing.TB, db *testenv.DB, contactsPerDay int) *generate.Summary {
	t.Helper()
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = demoDays, contactsPerDay
	return testload.Load(t, db, cfg, genload.Options{})
}

package genload_test

import (
	"context"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestLoadWritesEveryEvent: every generated event lands in its table once,
// with its texts redacted by the full enricher.
func TestLoadWritesEveryEvent(t *testing.T) {
	db := testenv.NewDB(t)
	en, err := enrich.New(enrich.Full)
	if err != nil {
		t.Fatal(err)
	}
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = 3, 300
	ctx := context.Background()
	t0 := time.Now()
	sum, err := genload.Load(ctx, db.Conn, cfg, en, genload.Options{BatchSize: 5000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d contacts in %s", sum.Contacts, time.Since(t0))
	var contacts, pii, raw uint64
	if err := db.Conn.QueryRow(ctx, "SELECT count() FROM contacts").Scan(&contacts); err != nil {
		t.Fatal(err)
	}
	if int64(contacts) != sum.Contacts {
		t.Errorf("contacts view has %d rows, generator made %d contacts", contacts, sum.Contacts)
	}
	if err := db.Conn.QueryRow(ctx, "SELECT countIf(has(pii_kinds, 'PHONE')), countIf(match(text, '1[3-9][0-9]{9}')) FROM messages FINAL").Scan(&pii, &raw); err != nil {
		t.Fatal(err)
	}
	if pii == 0 {
		t.Error("no message had a phone number redacted: the generator plants some in ~4% of customer messages")
	}
	if raw != 0 {
		t.Errorf("%d stored messages still contain a mobile number", raw)
	}
}

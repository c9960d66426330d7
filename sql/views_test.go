package sql_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/seal"
	"github.com/voc-analytics/voc/internal/testenv"
	vocsql "github.com/voc-analytics/voc/sql"
)

var update = flag.Bool("update", false, "rewrite .reference files")

func TestMain(m *testing.M) { testenv.Main(m) }

// query runs q over HTTP and returns ClickHouse's TabSeparated output, the
// same form as ClickHouse's own .reference files.
func query(t *testing.T, db *testenv.DB, q string) string {
	t.Helper()
	u := "http://" + db.Server.HTTPAddr + "/?database=" + url.QueryEscape(db.Name)
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(db.Server.Writer.User, db.Server.Writer.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s\n%s", q, b)
	}
	return string(b)
}

// TestViews loads testdata/seed.sql twice (a full re-delivery) and checks
// each testdata/views/NAME.sql against NAME.reference.
func TestViews(t *testing.T) {
	db := testenv.NewDB(t)
	loadSeed(t, db.Conn, 2)
	checkViews(t, db)
}

// firstRelease is the first schema version a database can hold data at:
// migrations 0001-0003 shipped together (0002 and 0003 create their
// aggregates without a backfill), so upgrades start from there.
const firstRelease = 3

// TestUpgradeKeepsResults loads the seed into a database migrated to each
// released schema version, then applies the remaining migrations: backfills
// and re-created views must give exactly the results of a fresh database,
// and a re-delivery afterwards must change nothing.
func TestUpgradeKeepsResults(t *testing.T) {
	ctx := context.Background()
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for k := firstRelease; k < len(ms); k++ {
		t.Run(fmt.Sprintf("from_%04d", ms[k-1].Version), func(t *testing.T) {
			up := testenv.NewDBWith(t, ms[:k])
			loadSeed(t, up.Conn, 1)
			ran, err := migrate.Apply(ctx, up.Options, up.Name, ms, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			if len(ran) != len(ms)-k {
				t.Fatalf("upgrade ran %d migrations, want %d", len(ran), len(ms)-k)
			}
			checkViews(t, up)
			loadSeed(t, up.Conn, 1)
			checkViews(t, up)
		})
	}
}

func loadSeed(t *testing.T, conn driver.Conn, times int) {
	t.Helper()
	seed, err := os.ReadFile("testdata/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	for range times {
		for _, stmt := range migrate.SplitStatements(string(seed)) {
			if err := conn.Exec(context.Background(), stmt); err != nil {
				t.Fatalf("seed: %v", err)
			}
		}
	}
}

// checkViews compares each testdata/views/NAME.sql with NAME.reference.
func checkViews(t *testing.T, db *testenv.DB) {
	t.Helper()
	files, err := filepath.Glob("testdata/views/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no view tests")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := query(t, db, string(q))
			ref := strings.TrimSuffix(f, ".sql") + ".reference"
			if *update {
				if err := os.WriteFile(ref, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", ref)
				return
			}
			want, err := os.ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s\ngot:\n%s\nwant:\n%s", q, got, want)
			}
		})
	}
}

// TestSealingKeepsResults seals every closed contact and checks that the views
// say exactly what they said before; then re-delivers every event and adds
// late ones for the sealed contacts: nothing may change or be duplicated.
func TestSealingKeepsResults(t *testing.T) {
	ctx := context.Background()
	db := testenv.NewDB(t)
	loadSeed(t, db.Conn, 2)
	checkViews(t, db)
	if got := query(t, db, "SELECT count() FROM contacts_pending"); got != "2\n" {
		t.Fatalf("pending contacts before the seal: %q, want 2", got)
	}
	// A seal round that no snapshot has published yet: the contacts are in
	// contacts_sealed and still pending, and the view counts them once.
	if err := db.Conn.Exec(ctx, "INSERT INTO seal_settings (name, value) VALUES ('contact_grace_seconds', -3600)"); err != nil {
		t.Fatal(err)
	}
	if err := seal.Refresh(ctx, db.Conn, db.Name, "contacts_seal"); err != nil {
		t.Fatal(err)
	}
	if got := query(t, db, "SELECT count() FROM contacts_sealed FINAL WHERE contact_id != '' AND sealed_at > 0"); got != "2\n" {
		t.Fatalf("sealed rows after one seal round: %q, want 2", got)
	}
	checkViews(t, db)
	sealAll(t, db)
	if got := query(t, db, "SELECT count(), uniqExact(contact_id) FROM contacts_sealed WHERE sealed_at > 0 AND contact_id != ''"); got != "2\t2\n" {
		t.Fatalf("sealed rows (count, distinct): %q, want 2 and 2", got)
	}
	if got := query(t, db, "SELECT count() FROM contacts_pending"); got != "0\n" {
		t.Fatalf("pending contacts after the seal: %q, want 0", got)
	}
	if got := query(t, db, "SELECT (SELECT count() FROM tickets_sealed FINAL WHERE ticket_id != ''), (SELECT count() FROM tickets_pending)"); got != "1\t0\n" {
		t.Fatalf("sealed and pending tickets after the seal: %q, want 1 and 0", got)
	}
	if got := query(t, db, "SELECT (SELECT count() FROM surveys_sealed WHERE survey_id != ''), (SELECT count() FROM surveys_pending)"); got != "1\t1\n" {
		t.Fatalf("sealed and pending surveys after the seal: %q, want 1 (answered) and 1 (s2, sent, not answered, stays open)", got)
	}
	checkViews(t, db)

	// Every event again (a full re-delivery), and events that arrive after
	// the seal: a message and a transfer for c1, an answer for c2.
	loadSeed(t, db.Conn, 1)
	for _, stmt := range []string{
		`INSERT INTO messages (event_id, message_id, contact_id, occurred_at, sender, text, lang, sentiment_score, sentiment_label, topics) VALUES
		 ('m9', '9', 'c1', '2026-11-02 10:30:00', 'customer', '还是不行', 'zh', -0.9, 'neg', ['remote'])`,
		`INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, agent_id, from_team, to_team) VALUES
		 ('e12', 'contact.transferred', 1, '2026-11-02 10:31:00', 'c1', '', 'billing', 'repair'),
		 ('e13', 'contact.agent_answered', 1, '2026-11-02 11:05:00', 'c2', 'a8', '', '')`,
	} {
		if err := db.Conn.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	checkViews(t, db)
	if got := query(t, db, "SELECT count() FROM contacts"); got != "2\n" {
		t.Fatalf("contacts after re-delivery and late events: %q, want 2", got)
	}
	sealAll(t, db)
	checkViews(t, db)
	if got := query(t, db, "SELECT count(), uniqExact(contact_id) FROM contacts_sealed WHERE sealed_at > 0 AND contact_id != ''"); got != "2\t2\n" {
		t.Fatalf("sealed rows after a second seal (count, distinct): %q, want 2 and 2", got)
	}
}

func sealAll(t *testing.T, db *testenv.DB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := seal.Now(ctx, db.Conn, db.Name, nil); err != nil {
		t.Fatal(err)
	}
}

// nextEvents: customer u1 contacts about remote (A), display (B), remote (C)
// and remote again (D, 16 days later); u2 once about remote (E); u3 once
// without a category (F, abandoned).
var nextEvents = map[string]string{
	"A": `('a1','contact.started',1,'2026-11-02 10:00:00','A','u1','app',''), ('a2','contact.ended',1,'2026-11-02 10:10:00','A','','','remote-no-response')`,
	"B": `('b1','contact.started',1,'2026-11-03 09:00:00','B','u1','phone',''), ('b2','contact.ended',1,'2026-11-03 09:05:00','B','','','display-flicker')`,
	"C": `('c1','contact.started',1,'2026-11-04 09:00:00','C','u1','web',''), ('c2','contact.ended',1,'2026-11-04 09:05:00','C','','','remote-pairing')`,
	"D": `('d1','contact.started',1,'2026-11-20 09:00:00','D','u1','app',''), ('d2','contact.ended',1,'2026-11-20 09:05:00','D','','','remote-no-response')`,
	"E": `('e1','contact.started',1,'2026-11-02 11:00:00','E','u2','app',''), ('e2','contact.ended',1,'2026-11-02 11:05:00','E','','','remote-pairing')`,
	"F": `('f1','contact.started',1,'2026-11-03 11:00:00','F','u1','app',''), ('f2','contact.abandoned',1,'2026-11-03 11:01:00','F','','','')`,
}

const nextWant = `A	remote	2026-11-04 09:00:00.000	2026-11-03 09:00:00.000
B	display	\N	2026-11-03 11:00:00.000
C	remote	2026-11-20 09:00:00.000	2026-11-20 09:00:00.000
D	remote	\N	\N
E	remote	\N	\N
F		\N	2026-11-04 09:00:00.000
`

// TestNextContacts checks next_same_topic_at and next_contact_at (FCR's
// inputs) whatever the order in which contacts arrive and are sealed: all
// pending, all sealed at once, and sealed in batches where later contacts
// lower the next times of contacts sealed before them, or arrive before
// contacts sealed earlier. (While a contact is pending, its next times count
// only the other pending contacts: see the contacts view's column comments.)
func TestNextContacts(t *testing.T) {
	orders := map[string][][]string{
		"pending":        {{"A", "B", "C", "D", "E", "F"}},
		"one_seal":       {{"A", "B", "C", "D", "E", "F"}, nil},
		"three_seals":    {{"A", "C"}, nil, {"D", "E"}, nil, {"B", "F"}, nil},
		"reverse_seals":  {{"D"}, nil, {"C"}, nil, {"B", "F"}, nil, {"A", "E"}, nil},
		"seal_then_more": {{"C", "D"}, nil, {"A", "B", "E", "F"}, nil},
	}
	for name, steps := range orders {
		t.Run(name, func(t *testing.T) {
			db := testenv.NewDB(t)
			for _, step := range steps {
				if step == nil {
					sealAll(t, db)
					continue
				}
				for _, c := range step {
					stmt := "INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, customer_id, channel, service_category) VALUES " + nextEvents[c]
					for range 2 {
						if err := db.Conn.Exec(context.Background(), stmt); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			got := query(t, db, "SELECT contact_id, topic, next_same_topic_at, next_contact_at FROM contacts ORDER BY contact_id")
			if got != nextWant {
				t.Errorf("got:\n%s\nwant:\n%s", got, nextWant)
			}
		})
	}
}

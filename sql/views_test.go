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

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/migrate"
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
	resp, err := http.Post(u, "text/plain", strings.NewReader(q))
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

package sql_test

import (
	"context"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/testenv"
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
	seed, err := os.ReadFile("testdata/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, stmt := range migrate.SplitStatements(string(seed)) {
			if err := db.Conn.Exec(context.Background(), stmt); err != nil {
				t.Fatalf("seed: %v", err)
			}
		}
	}
	files, _ := filepath.Glob("testdata/views/*.sql")
	if len(files) == 0 {
		t.Fatal("no view tests")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			q, _ := os.ReadFile(f)
			got := query(t, db, string(q))
			ref := strings.TrimSuffix(f, ".sql") + ".reference"
			if *update {
				os.WriteFile(ref, []byte(got), 0o644)
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

package schemadoc_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/schemadoc"
	"github.com/voc-analytics/voc/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite docs/schema.md")

func TestMain(m *testing.M) { testenv.Main(m) }

// TestSchemaDocsUpToDate fails when docs/schema.md differs from what the
// migrations' comments produce. Fix with: go test ./internal/schemadoc -update
// (or `voc schema docs --out docs/schema.md`).
func TestSchemaDocsUpToDate(t *testing.T) {
	db := testenv.NewDB(t)
	got, err := schemadoc.Generate(context.Background(), db.Conn, db.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### `contacts`", "### `messages`", "### `rejects`", "| `wait_seconds` |"} {
		if !strings.Contains(got, want) {
			t.Errorf("generated docs lack %q", want)
		}
	}
	path := filepath.Join("..", "..", "docs", "schema.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./internal/schemadoc -update)", err)
	}
	if string(want) != got {
		t.Fatalf("docs/schema.md is out of date: run 'go test ./internal/schemadoc -update' or 'voc schema docs --out docs/schema.md'")
	}
}

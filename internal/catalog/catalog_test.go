package catalog_test

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/catalog"
	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/sentiment"
	vocsql "github.com/voc-analytics/voc/sql"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestCatalogShape(t *testing.T) {
	if got := len(catalog.Categories); got != 115 {
		t.Errorf("%d service categories, want 115 (DOMAIN.md)", got)
	}
	if got := len(catalog.Topics); got != 15 {
		t.Errorf("%d topics, want 15", got)
	}
	for _, c := range catalog.Categories {
		if catalog.TopicOf(c.Slug) != c.Topic {
			t.Errorf("TopicOf(%q) = %q, want %q", c.Slug, catalog.TopicOf(c.Slug), c.Topic)
		}
	}
	if catalog.TopicOf("no-such-category") != "" {
		t.Error("unknown category has a topic")
	}
}

// TestTaxonomyAgrees: the text analytics tags texts with exactly the
// catalog's topics, under the catalog's names.
func TestTaxonomyAgrees(t *testing.T) {
	tax, err := sentiment.LoadTaxonomy(nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sentiment.Topic{}
	for _, tp := range tax.Topics {
		got[tp.ID] = tp
	}
	for _, ct := range catalog.Topics {
		tp, ok := got[ct.ID]
		if !ok {
			t.Errorf("sentiment/taxonomy.yaml lacks catalog topic %q", ct.ID)
			continue
		}
		if tp.ZH != ct.Zh || tp.EN != ct.En {
			t.Errorf("topic %s: taxonomy names %q/%q, catalog %q/%q", ct.ID, tp.ZH, tp.EN, ct.Zh, ct.En)
		}
		delete(got, ct.ID)
	}
	for id := range got {
		t.Errorf("sentiment/taxonomy.yaml has topic %q that the catalog does not (internal/catalog)", id)
	}
}

// TestGeneratorAgrees: the generator draws from the catalog's categories,
// topics and products, in catalog order.
func TestGeneratorAgrees(t *testing.T) {
	if len(generate.Categories) != len(catalog.Categories) {
		t.Fatalf("generator has %d categories, catalog %d", len(generate.Categories), len(catalog.Categories))
	}
	for i, c := range generate.Categories {
		if c.Category != catalog.Categories[i] {
			t.Errorf("generator category %d = %+v, catalog %+v", i, c.Category, catalog.Categories[i])
		}
	}
	if len(generate.Topics) != len(catalog.Topics) {
		t.Fatalf("generator has %d topics, catalog %d", len(generate.Topics), len(catalog.Topics))
	}
	for i, tp := range generate.Topics {
		if tp.Name != catalog.Topics[i].ID {
			t.Errorf("generator topic %d = %q, catalog %q", i, tp.Name, catalog.Topics[i].ID)
		}
	}
	if len(generate.Products) != len(catalog.Products) {
		t.Fatalf("generator has %d products, catalog %d", len(generate.Products), len(catalog.Products))
	}
	for i, p := range generate.Products {
		if p.Model != catalog.Products[i].Model || p.Kind != catalog.Products[i].Kind {
			t.Errorf("generator product %d = %s/%s, catalog %+v", i, p.Model, p.Kind, catalog.Products[i])
		}
	}
}

// TestSchemaAgrees: after all migrations, issue_topics and
// service_categories hold exactly the catalog. When it fails after a catalog
// change, add a migration: go run ./internal/catalog/gensql > sql/migrations/NNNN_service_categories_reload.sql
func TestSchemaAgrees(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	rows, err := db.Conn.Query(ctx, "SELECT slug, toString(topic), name_zh, name_en FROM service_categories ORDER BY slug")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]catalog.Category{}
	for _, c := range catalog.Categories {
		want[c.Slug] = c
	}
	n := 0
	for rows.Next() {
		var c catalog.Category
		if err := rows.Scan(&c.Slug, &c.Topic, &c.Zh, &c.En); err != nil {
			t.Fatal(err)
		}
		n++
		if want[c.Slug] != c {
			t.Errorf("service_categories row %+v, catalog %+v", c, want[c.Slug])
		}
		delete(want, c.Slug)
	}
	rows.Close()
	for slug := range want {
		t.Errorf("service_categories lacks %q", slug)
	}
	if n != len(catalog.Categories) {
		t.Errorf("service_categories has %d rows, catalog %d categories", n, len(catalog.Categories))
	}

	trows, err := db.Conn.Query(ctx, "SELECT toString(topic), name_zh, name_en FROM issue_topics ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	var got []catalog.Topic
	for trows.Next() {
		var tp catalog.Topic
		if err := trows.Scan(&tp.ID, &tp.Zh, &tp.En); err != nil {
			t.Fatal(err)
		}
		got = append(got, tp)
	}
	trows.Close()
	if len(got) != len(catalog.Topics) {
		t.Fatalf("issue_topics has %d rows, catalog %d topics", len(got), len(catalog.Topics))
	}
	for i := range got {
		if got[i] != catalog.Topics[i] {
			t.Errorf("issue_topics row %d = %+v, catalog %+v", i, got[i], catalog.Topics[i])
		}
	}
}

// TestLatestLoadIsGenerated: the last migration that loads the catalog
// holds exactly what gensql prints, so it was generated, not hand-edited.
func TestLatestLoadIsGenerated(t *testing.T) {
	entries, err := fs.Glob(vocsql.Migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(entries)
	var latest string
	for _, e := range entries {
		b, _ := fs.ReadFile(vocsql.Migrations, e)
		if strings.Contains(string(b), "INSERT INTO service_categories") {
			latest = e
		}
	}
	if latest == "" {
		t.Fatal("no migration loads service_categories")
	}
	b, _ := fs.ReadFile(vocsql.Migrations, latest)
	if !strings.Contains(string(b), catalog.LoadSQL()) {
		t.Errorf("%s does not hold the SQL of `go run ./internal/catalog/gensql`: add a new migration with it", latest)
	}
}

package migrate_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/testenv"
	vocsql "github.com/voc-analytics/voc/sql"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestApplyIsIdempotent(t *testing.T) {
	db := testenv.NewDB(t) // applies every migration once
	ctx := context.Background()
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	again, err := migrate.Apply(ctx, db.Options, db.Name, ms, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second apply ran %d migrations, want 0", len(again))
	}
	var n uint64
	if err := db.Conn.QueryRow(ctx, "SELECT count() FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if int(n) != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
	}
}

func TestEveryTableAndColumnHasAComment(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	// Every table and column is listed with its comment, so a query that
	// matched nothing (wrong database, renamed system columns) fails here
	// instead of passing for want of rows.
	tables := map[string]string{}
	rows, err := db.Conn.Query(ctx, `SELECT name, comment FROM system.tables WHERE database = ? AND engine != 'MaterializedView'`, db.Name)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			t.Fatal(err)
		}
		tables[name] = comment
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, want := range []string{"contact_events", "messages", "contacts", "tickets", "survey_answers", "rejects", "schema_migrations"} {
		if _, ok := tables[want]; !ok {
			t.Errorf("table %s not found in %s (found %d tables)", want, db.Name, len(tables))
		}
	}
	for name, comment := range tables {
		if comment == "" {
			t.Errorf("table %s has no COMMENT", name)
		}
	}
	rows, err = db.Conn.Query(ctx, `SELECT c.table, c.name, c.comment FROM system.columns c JOIN system.tables t ON t.database = c.database AND t.name = c.table
		WHERE c.database = ? AND t.engine != 'MaterializedView'`, db.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	columns := 0
	for rows.Next() {
		var table, col, comment string
		if err := rows.Scan(&table, &col, &comment); err != nil {
			t.Fatal(err)
		}
		columns++
		if comment == "" {
			t.Errorf("column %s.%s has no COMMENT", table, col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if columns < 10*len(tables)/2 {
		t.Errorf("found %d columns in %d tables: the query missed them", columns, len(tables))
	}
}

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"two statements", "CREATE TABLE a (x UInt8) ENGINE = Memory;\nCREATE TABLE b (x UInt8) ENGINE = Memory;\n", 2},
		{"comments dropped", "-- header\n\n-- more\nSELECT 1;\n", 1},
		{"semicolon inside a line is kept", "SELECT 'a;b' AS x;\n", 1},
		{"last statement without semicolon", "SELECT 1;\nSELECT 2\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := migrate.SplitStatements(tc.in); len(got) != tc.want {
				t.Fatalf("got %d statements %q, want %d", len(got), got, tc.want)
			}
		})
	}
}

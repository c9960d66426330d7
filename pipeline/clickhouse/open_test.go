package clickhouse_test

import (
	"context"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		major, minor uint64
		ok           bool
	}{
		{18, 16, false}, // Debian's clickhouse-server
		{25, 7, false},
		{25, 8, true},
		{25, 12, true},
		{26, 1, true},
		{26, 7, true}, // the embedded engine
	}
	for _, tc := range tests {
		err := chsink.CheckVersion(tc.major, tc.minor)
		if (err == nil) != tc.ok {
			t.Errorf("CheckVersion(%d, %d) = %v, want ok=%v", tc.major, tc.minor, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "25.8") {
			t.Errorf("CheckVersion(%d, %d): %q does not say which version is needed", tc.major, tc.minor, err)
		}
	}
}

func TestOpenMigratesOnceAndSizesThePool(t *testing.T) {
	ctx := context.Background()
	srv := testenv.Server(t)
	name := "t_open_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	opts := testenv.Options(srv, name)
	t.Cleanup(func() {
		admin := testenv.Options(srv, "default")
		db, err := chsink.Open(ctx, chsink.Config{Options: admin})
		if err == nil {
			db.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" SYNC")
			db.Close()
		}
	})

	restarts := srv.Restarts.Load()
	if _, err := chsink.Open(ctx, chsink.Config{Options: opts}); err == nil || !strings.Contains(err.Error(), "no database "+name) || !strings.Contains(err.Error(), "voc migrate") {
		t.Fatalf("Open of a missing database without Migrate: err %v, want advice to run voc migrate", err)
	}
	first, err := chsink.Open(ctx, chsink.Config{Options: opts, Migrate: true, MaxOpenConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if len(first.Applied) == 0 || first.Database != name || !strings.HasPrefix(first.Version, "2") {
		t.Fatalf("first Open: applied %d migrations, database %q, version %q", len(first.Applied), first.Database, first.Version)
	}
	if first.Options.MaxOpenConns != 3 || opts.MaxOpenConns == 3 {
		t.Errorf("pool size: DB has %d (want 3), caller's options changed to %d", first.Options.MaxOpenConns, opts.MaxOpenConns)
	}
	var tables uint64
	if err := first.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name IN ('contact_events', 'rejects')").Scan(&tables); err != nil || tables != 2 {
		t.Fatalf("after migrating: %d of 2 tables (%v)", tables, err)
	}
	second, err := chsink.Open(ctx, chsink.Config{Options: opts, Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if len(second.Applied) != 0 {
		t.Errorf("second Open applied %d migrations again", len(second.Applied))
	}
	// Connecting to a missing database makes the embedded (chDB) server
	// abort on the next connection; Open looks the database up instead.
	if n := srv.Restarts.Load() - restarts; n != 0 {
		t.Errorf("the embedded server restarted %d time(s) during the test", n)
	}
}

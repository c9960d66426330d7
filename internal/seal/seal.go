// Package seal runs the schema's sealing refreshes on demand.
//
// In a running database ClickHouse seals entities by itself: refreshable
// materialized views (migrations 0010-0012) move every contact, ticket and
// survey that is closed and quiet for a grace period into its month-partitioned
// sealed table, once a minute. Tests and benchmarks cannot wait for the grace
// period: Now seals everything that is closed at once, by lowering the grace to
// zero for the duration of the call and refreshing the views until nothing is
// left to seal, then restores the grace. It changes no result (the views are
// exact before and after a seal); it only moves rows to where range queries
// read them fast.
package seal

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Entity is one sealed kind of row: the refreshable views that seal it and
// snapshot the rest, the grace setting in seal_settings, and the view of its
// pending (not yet sealed) rows.
type Entity struct {
	Name     string // contacts
	Seal     string // refreshable view writing the sealed table
	Snapshot string // refreshable view rebuilding the pending snapshot
	Grace    string // seal_settings name of the grace period
	Pending  string // view of pending rows, with a seal_ready column
}

// Entities are the sealed kinds of the schema, in the order they are sealed.
var Entities = []Entity{
	{Name: "contacts", Seal: "contacts_seal", Snapshot: "contacts_snapshot", Grace: "contact_grace_seconds", Pending: "contacts_pending"},
	{Name: "tickets", Seal: "tickets_seal", Snapshot: "tickets_snapshot", Grace: "ticket_grace_seconds", Pending: "tickets_pending"},
	{Name: "surveys", Seal: "surveys_seal", Snapshot: "surveys_snapshot", Grace: "survey_grace_seconds", Pending: "surveys_pending"},
}

// Now seals every closed entity of database db and returns how many rounds of
// refreshes it took. It waits for each refresh; ctx bounds the whole call.
func Now(ctx context.Context, conn driver.Conn, db string, log *slog.Logger) (int, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rounds := 0
	for _, e := range Entities {
		n, err := sealEntity(ctx, conn, db, e, log)
		rounds += n
		if err != nil {
			return rounds, err
		}
	}
	return rounds, nil
}

func sealEntity(ctx context.Context, conn driver.Conn, db string, e Entity, log *slog.Logger) (rounds int, err error) {
	var grace int64
	if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT value FROM %s.seal_settings FINAL WHERE name = ?", db), e.Grace).Scan(&grace); err != nil {
		return 0, fmt.Errorf("seal %s: read %s from %s.seal_settings (is the schema migrated?): %w", e.Name, e.Grace, db, err)
	}
	set := func(ctx context.Context, v int64) error {
		if err := conn.Exec(ctx, fmt.Sprintf("INSERT INTO %s.seal_settings (name, value) VALUES (?, ?)", db), e.Grace, v); err != nil {
			return fmt.Errorf("seal %s: set %s = %d: %w", e.Name, e.Grace, v, err)
		}
		return nil
	}
	// Rows written in the current second are "now"; a negative grace makes
	// every closed contact ready, whatever the clock resolution.
	if err := set(ctx, -3600); err != nil {
		return 0, err
	}
	defer func() {
		// Restore even when ctx is done: a bench database left at grace
		// -3600 would seal contacts the moment they end.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if rerr := set(rctx, grace); rerr != nil && err == nil {
			err = rerr
		}
	}()
	for {
		start := time.Now()
		if err := refresh(ctx, conn, db, e.Seal); err != nil {
			return rounds, err
		}
		if err := refresh(ctx, conn, db, e.Snapshot); err != nil {
			return rounds, err
		}
		rounds++
		var left uint64
		if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT count() FROM %s.%s WHERE seal_ready = 1", db, e.Pending)).Scan(&left); err != nil {
			return rounds, fmt.Errorf("seal %s: count ready rows in %s.%s: %w", e.Name, db, e.Pending, err)
		}
		log.Info("sealed", "entity", e.Name, "round", rounds, "still_ready", left, "ms", time.Since(start).Milliseconds())
		if left == 0 {
			return rounds, nil
		}
	}
}

// Refresh runs one refresh of the refreshable view db.view and waits for it.
func Refresh(ctx context.Context, conn driver.Conn, db, view string) error {
	return refresh(ctx, conn, db, view)
}

func refresh(ctx context.Context, conn driver.Conn, db, view string) error {
	for _, q := range []string{"SYSTEM REFRESH VIEW %s.%s", "SYSTEM WAIT VIEW %s.%s"} {
		if err := conn.Exec(ctx, fmt.Sprintf(q, db, view)); err != nil {
			return fmt.Errorf("seal: %s: %w", fmt.Sprintf(q, db, view), err)
		}
	}
	return nil
}

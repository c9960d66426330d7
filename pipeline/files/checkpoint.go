package files

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Checkpoints keeps one row per file in the backfill_files table
// (migration 0023): how many lines are written, and whether it is finished.
type Checkpoints struct {
	conn driver.Conn
	mu   sync.Mutex
	last time.Time // versions strictly increase, even within a millisecond
}

// NewCheckpoints uses conn, a migrated voc database.
func NewCheckpoints(conn driver.Conn) *Checkpoints { return &Checkpoints{conn: conn} }

// Load fills in where earlier runs left files.
func (c *Checkpoints) Load(ctx context.Context, files []*File) error {
	if len(files) == 0 {
		return nil
	}
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = f.ID
	}
	rows, err := c.conn.Query(ctx, `SELECT file_id, lines_done, events, rejects, done FROM backfill_files FINAL WHERE file_id IN ?`, ids)
	if err != nil {
		return fmt.Errorf("read backfill checkpoints (is the database migrated? 'voc migrate'): %w", err)
	}
	defer rows.Close()
	byID := map[string][]*File{}
	for _, f := range files {
		byID[f.ID] = append(byID[f.ID], f)
	}
	for rows.Next() {
		var (
			id                    string
			done, events, rejects uint64
			finished              bool
		)
		if err := rows.Scan(&id, &done, &events, &rejects, &finished); err != nil {
			return fmt.Errorf("read backfill checkpoints: %w", err)
		}
		for _, f := range byID[id] {
			f.Done, f.Events, f.Rejects, f.Finished = int64(done), int64(events), int64(rejects), finished
		}
	}
	return rows.Err()
}

// Save records f's progress.
func (c *Checkpoints) Save(ctx context.Context, f File) error {
	c.mu.Lock()
	at := time.Now().UTC().Truncate(time.Millisecond)
	if !at.After(c.last) {
		at = c.last.Add(time.Millisecond)
	}
	c.last = at
	c.mu.Unlock()
	err := c.conn.Exec(ctx, `INSERT INTO backfill_files (file_id, path, size, lines_done, events, rejects, done, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Path, uint64(f.Size), uint64(f.Done), uint64(f.Events), uint64(f.Rejects), f.Finished, at)
	if err != nil {
		return fmt.Errorf("save the checkpoint of %s at line %d: %w", f.Path, f.Done, err)
	}
	return nil
}

// Forget drops the checkpoints of files, so they are read again from the start.
func (c *Checkpoints) Forget(ctx context.Context, files []*File) error {
	for _, f := range files {
		f.Done, f.Events, f.Rejects, f.Finished = 0, 0, 0, false
		if err := c.Save(ctx, *f); err != nil {
			return err
		}
	}
	return nil
}

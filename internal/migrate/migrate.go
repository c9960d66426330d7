package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Migration is one numbered file.
type Migration struct {
	Version    int
	Name       string
	Statements []string
	Checksum   string // sha256 of the file, to notice edits after apply
}

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Load reads and orders the migrations in dir of fsys.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q: name must be NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out = append(out, Migration{Version: v, Name: m[2], Statements: SplitStatements(string(b)), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// SplitStatements splits SQL text into statements at semicolons that end a
// line, dropping comment-only lines.
func SplitStatements(text string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			s := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			if s != "" {
				stmts = append(stmts, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// Apply creates database db if needed and applies the migrations not yet
// recorded in db.schema_migrations. It returns the ones it applied.
func Apply(ctx context.Context, opts *clickhouse.Options, db string, migrations []Migration, log *slog.Logger) ([]Migration, error) {
	if !validIdent(db) {
		return nil, fmt.Errorf("database name %q: use letters, digits and underscores", db)
	}
	admin := *opts
	admin.Auth.Database = "default"
	conn, err := clickhouse.Open(&admin)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse %v: %w", opts.Addr, err)
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		return nil, fmt.Errorf("create database %s on %v: %w", db, opts.Addr, err)
	}
	target := *opts
	target.Auth.Database = db
	dbConn, err := clickhouse.Open(&target)
	if err != nil {
		return nil, err
	}
	defer dbConn.Close()
	if err := dbConn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32 COMMENT 'Migration number (the NNNN of sql/migrations/NNNN_name.sql).',
    name       String COMMENT 'Migration name.',
    checksum   String COMMENT 'sha256 of the migration file when it was applied.',
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When it was applied.'
)
ENGINE = MergeTree ORDER BY version
COMMENT 'Schema migrations applied to this database by voc migrate.'`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := applied(ctx, dbConn)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, m := range migrations {
		if sum, ok := done[m.Version]; ok {
			if sum != m.Checksum {
				log.Warn("migration file changed after it was applied; it is not re-run", "version", m.Version, "name", m.Name)
			}
			continue
		}
		for i, stmt := range m.Statements {
			if err := dbConn.Exec(ctx, stmt); err != nil {
				return out, fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if err := dbConn.Exec(ctx, "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)", uint32(m.Version), m.Name, m.Checksum); err != nil {
			return out, fmt.Errorf("record migration %d: %w", m.Version, err)
		}
		log.Info("applied migration", "db", db, "version", m.Version, "name", m.Name)
		out = append(out, m)
	}
	return out, nil
}

func applied(ctx context.Context, conn driver.Conn) (map[int]string, error) {
	rows, err := conn.Query(ctx, "SELECT version, any(checksum) FROM schema_migrations GROUP BY version")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v uint32
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, err
		}
		out[int(v)] = sum
	}
	return out, rows.Err()
}

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validIdent(s string) bool { return ident.MatchString(s) }

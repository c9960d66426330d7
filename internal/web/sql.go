package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/schemadoc"
)

// maxSQLBytes bounds the SQL text of one request.
const maxSQLBytes = 1 << 20

// readSQL takes the SQL from a form field "sql" (the page's CSV download)
// or the raw body (the API: curl --data-binary @query.sql, which curl sends
// as a form without a "sql" field), and the form's "format".
func readSQL(r *http.Request) (text, format string, err error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxSQLBytes))
	if err != nil {
		return "", "", badRequest("read the SQL (at most %d bytes): %v", maxSQLBytes, err)
	}
	text = string(b)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if vals, err := url.ParseQuery(text); err == nil && vals.Has("sql") {
			text, format = vals.Get("sql"), vals.Get("format")
		}
	}
	text = strings.TrimSpace(text)
	text = strings.TrimSpace(strings.TrimSuffix(text, ";"))
	if text == "" {
		return "", "", badRequest("no SQL: send the query as the request body (or form field sql)")
	}
	return text, format, nil
}

// sqlResult is the JSON of /api/sql.
type sqlResult struct {
	Columns   []string `json:"columns"`
	Types     []string `json:"types"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"`
	ElapsedMS int64    `json:"elapsed_ms"`
}

// apiSQL runs the analyst's SQL as the read-only ClickHouse user: JSON
// {"columns": [...], "rows": [[...]]} (at most SQLRowLimit rows, "truncated"
// says when there were more; QueryTimeout), or CSV with ?format=csv (every
// row, streamed within the HTTP write timeout). ClickHouse's refusal comes back as its message with a
// 4xx status (403 for privileges and readonly, 400 otherwise).
func (s *Server) apiSQL(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	text, format, err := readSQL(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	asCSV := r.URL.Query().Get("format") == "csv" || format == "csv"
	timeout := s.cfg.QueryTimeout
	if asCSV {
		timeout = writeTimeout
	}
	ctx, cancel := withQueryTimeout(r.Context(), timeout)
	defer cancel()
	r = r.WithContext(ctx)
	rows, err := s.cfg.Conn.Query(ctx, text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	res := sqlResult{Columns: rows.Columns(), Types: make([]string, len(types)), Rows: [][]any{}}
	targets := make([]any, len(types))
	for i, t := range types {
		res.Types[i] = t.DatabaseTypeName()
		targets[i] = reflect.New(t.ScanType()).Interface()
	}
	if asCSV {
		s.streamCSV(w, r, rows, res.Columns, targets)
		return
	}
	for rows.Next() {
		if len(res.Rows) >= s.cfg.SQLRowLimit {
			res.Truncated = true
			break
		}
		if err := rows.Scan(targets...); err != nil {
			s.writeError(w, r, fmt.Errorf("read result row %d: %w", len(res.Rows)+1, err))
			return
		}
		row := make([]any, len(targets))
		for i, t := range targets {
			row[i] = jsonSafe(derefValue(t))
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	res.ElapsedMS = time.Since(t0).Milliseconds()
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, rows driver.Rows, cols []string, targets []any) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="voc-query.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write(cols)
	rec := make([]string, len(targets))
	n := 0
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			s.cfg.Log.Warn("csv download: read row", "row", n+1, "err", err)
			return
		}
		for i, t := range targets {
			rec[i] = csvText(derefValue(t))
		}
		if err := cw.Write(rec); err != nil {
			return // client gone
		}
		n++
	}
	cw.Flush()
	if err := rows.Err(); err != nil {
		// Headers are sent: the error ends the file, where a reader sees it.
		fmt.Fprintf(w, "\n# error after %d rows: %v\n", n, err)
	}
}

func derefValue(p any) any {
	v := reflect.ValueOf(p).Elem()
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

func csvText(v any) string {
	switch x := jsonSafe(v).(type) {
	case nil:
		return ""
	case string:
		return x
	case json.RawMessage:
		return string(x)
	case []string:
		b, _ := json.Marshal(x)
		return string(b)
	default:
		return fmt.Sprint(x)
	}
}

// schema is cached: the catalogue changes only with migrations.
type schemaCache struct {
	mu     sync.Mutex
	at     time.Time
	tables []schemadoc.Table
}

func (s *Server) schemaTables(ctx context.Context) ([]schemadoc.Table, error) {
	s.schema.mu.Lock()
	defer s.schema.mu.Unlock()
	if s.schema.tables != nil && time.Since(s.schema.at) < time.Minute {
		return s.schema.tables, nil
	}
	ts, err := schemadoc.Tables(ctx, s.cfg.Conn, s.cfg.Database)
	if err != nil {
		return nil, err
	}
	s.schema.tables, s.schema.at = ts, time.Now()
	return ts, nil
}

func (s *Server) apiSchema(w http.ResponseWriter, r *http.Request) {
	ts, err := s.schemaTables(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"database": s.cfg.Database, "tables": ts})
}

func scanTargets(types []driver.ColumnType) []any {
	targets := make([]any, len(types))
	for i, t := range types {
		targets[i] = reflect.New(t.ScanType()).Interface()
	}
	return targets
}

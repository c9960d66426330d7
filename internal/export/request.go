package export

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// TimeRange is an optional half-open range [From, To); a zero end is open.
type TimeRange struct {
	From, To time.Time
	// Column the range applies to. For a table, empty picks the table's
	// event time (occurred_at, started_at, created_at, ... or its first
	// DateTime column).
	Column string
}

func (r TimeRange) empty() bool { return r.From.IsZero() && r.To.IsZero() }

// timeColumns are preferred, in order, when a table's time column is not named.
var timeColumns = []string{"occurred_at", "started_at", "created_at", "sent_at", "answered_at", "posted_at", "rejected_at", "day", "week"}

var tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// TableOptions shape a --table export.
type TableOptions struct {
	Range TimeRange
	// Final reads ReplacingMergeTree-family tables with FINAL (each row
	// once, as the docs tell analysts to query them): "auto" (default) for
	// those engines, "always", or "never".
	Final string
}

// TableRequest builds the request that exports table (optionally db.table)
// whole, or the rows whose time column is in rng.
func TableRequest(ctx context.Context, c *Client, table string, opt TableOptions) (Request, error) {
	if !tableName.MatchString(table) {
		return Request{}, fmt.Errorf("table %q: want name or database.name", table)
	}
	db, name := "", table
	if i := strings.IndexByte(table, '.'); i >= 0 {
		db, name = table[:i], table[i+1:]
	}
	from := quoteIdent(name)
	dbExpr, params := "currentDatabase()", map[string]string{"voc_table": name}
	if db != "" {
		from = quoteIdent(db) + "." + from
		dbExpr, params["voc_db"] = "{voc_db:String}", db
	}
	cols, err := c.describeTarget(ctx, from, nil)
	if err != nil {
		return Request{}, fmt.Errorf("table %s (list them with SHOW TABLES): %w", table, err)
	}
	engine, err := c.scalar(ctx, "SELECT engine FROM system.tables WHERE database = "+dbExpr+" AND name = {voc_table:String}", params)
	if err != nil {
		return Request{}, fmt.Errorf("look up the engine of table %s: %w", table, err)
	}
	switch opt.Final {
	case "", "auto":
		if finalEngine(engine) {
			from += " FINAL"
		}
	case "always":
		from += " FINAL"
	case "never":
	default:
		return Request{}, fmt.Errorf("final %q: want auto, always or never", opt.Final)
	}
	where := ""
	if !opt.Range.empty() {
		col := opt.Range.Column
		if col == "" {
			col = pickTimeColumn(cols)
			if col == "" {
				return Request{}, fmt.Errorf("table %s has no DateTime or Date column for --from/--to", table)
			}
		} else if !hasColumn(cols, col) {
			return Request{}, fmt.Errorf("table %s has no column %q", table, col)
		}
		where = rangeCondition(quoteIdent(col), opt.Range)
	}
	return Request{
		SQL:      "SELECT * FROM " + from + where,
		CountSQL: "SELECT count() FROM " + from + where,
		Params:   rangeParams(opt.Range),
	}, nil
}

// QueryRequest wraps an analyst's own SQL. The range is passed as the query
// parameters {from:DateTime64(3)} and {to:DateTime64(3)} for the SQL to use.
func QueryRequest(sql string, rng TimeRange) Request {
	return Request{SQL: sql, Params: rangeParams(rng)}
}

func finalEngine(engine string) bool {
	switch engine {
	case "ReplacingMergeTree", "CollapsingMergeTree", "VersionedCollapsingMergeTree", "AggregatingMergeTree", "SummingMergeTree",
		"ReplicatedReplacingMergeTree", "ReplicatedCollapsingMergeTree", "ReplicatedVersionedCollapsingMergeTree",
		"ReplicatedAggregatingMergeTree", "ReplicatedSummingMergeTree", "SharedReplacingMergeTree":
		return true
	}
	return false
}

func pickTimeColumn(cols []Column) string {
	for _, want := range timeColumns {
		for _, c := range cols {
			if c.Name == want && isTimeType(c.Type) {
				return c.Name
			}
		}
	}
	for _, c := range cols {
		if isTimeType(c.Type) {
			return c.Name
		}
	}
	return ""
}

func hasColumn(cols []Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

func isTimeType(t string) bool {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "LowCardinality("), "Nullable(")
	return strings.HasPrefix(t, "DateTime") || strings.HasPrefix(t, "Date")
}

func rangeCondition(col string, r TimeRange) string {
	var conds []string
	if !r.From.IsZero() {
		conds = append(conds, col+" >= {from:DateTime64(3, 'UTC')}")
	}
	if !r.To.IsZero() {
		conds = append(conds, col+" < {to:DateTime64(3, 'UTC')}")
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

func rangeParams(r TimeRange) map[string]string {
	p := map[string]string{}
	const layout = "2006-01-02 15:04:05.000"
	if !r.From.IsZero() {
		p["from"] = r.From.UTC().Format(layout)
	}
	if !r.To.IsZero() {
		p["to"] = r.To.UTC().Format(layout)
	}
	return p
}

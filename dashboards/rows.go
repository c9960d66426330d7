package dashboards

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/metrics"
)

// RowsQuery is a query of this package for panels that show rows, not
// numbers: customer quotes, suggestion lists, pipeline freshness, and the
// values of a variable. It is written once in a small template language and
// rendered two ways: with ClickHouse query parameters (Statement, Run: voc
// serve, tests) and with Grafana macros and template variables (GrafanaSQL).
// Values never enter the SQL text in the first form.
//
// Template placeholders:
//
//	$from, $to      the time range, half-open [from, to)
//	$limit          the row limit
//	$in(dim, expr)  expr IN the values chosen for dimension dim (all when none)
//	$has(dim, expr) the array expr contains one of the values chosen for dim
type RowsQuery struct {
	Name        string
	Title       string
	Description string
	Limit       int    // default row limit for $limit
	Detail      string // what one row is
	SQL         string // the template
	// Units of the numeric columns worth colouring by the panel's
	// thresholds (column -> Unit*).
	Units map[string]string
	// Embed, when set, is a registry metric whose rows the query reads as a
	// subquery at the placeholder $embed ("suggestions about this week's
	// top issues"): evaluated over the Window that ends at the range end.
	Embed *Embed
}

// Embed is a registry metric used inside a rows query.
type Embed struct {
	Metric string
	Window time.Duration
}

// RowsArgs are what a rows query runs with.
type RowsArgs struct {
	From, To time.Time
	Filters  map[string][]string // dimension -> values; missing or empty: all
	Limit    int                 // 0: the query's default
}

// RowsResult is the output of a rows query.
type RowsResult struct {
	Columns []string
	Rows    [][]any
}

var placeholderRe = regexp.MustCompile(`\$(from|to|limit)\b|\$(in|has)\(\s*([a-z_]+)\s*,\s*([^()]+?)\s*\)`)

// render expands the template: scalar placeholders with scalar(name), filters
// with filter(kind, dim, expr).
func (q *RowsQuery) render(scalar func(string) string, filter func(kind, dim, expr string) string) string {
	return placeholderRe.ReplaceAllStringFunc(q.SQL, func(m string) string {
		sub := placeholderRe.FindStringSubmatch(m)
		if sub[1] != "" {
			return scalar(sub[1])
		}
		return filter(sub[2], sub[3], sub[4])
	})
}

// Dimensions returns the dimensions the query filters by.
func (q *RowsQuery) Dimensions() []string {
	seen := map[string]bool{}
	var out []string
	for _, sub := range placeholderRe.FindAllStringSubmatch(q.SQL, -1) {
		if d := sub[3]; d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// Statement renders the query with ClickHouse query parameters and returns
// the SQL and the parameter values (clickhouse.WithParameters).
func (q *RowsQuery) Statement(a RowsArgs) (string, map[string]string, error) {
	limit := a.Limit
	if limit <= 0 {
		limit = q.Limit
	}
	params := map[string]string{
		"from":  a.From.UTC().Format("2006-01-02 15:04:05.000"),
		"to":    a.To.UTC().Format("2006-01-02 15:04:05.000"),
		"limit": strconv.Itoa(limit),
	}
	sql := q.render(func(name string) string {
		switch name {
		case "limit":
			return "{limit:UInt32}"
		default:
			return "{" + name + ":DateTime64(3, 'UTC')}"
		}
	}, func(kind, dim, expr string) string {
		params["f_"+dim] = arrayLiteral(a.Filters[dim])
		p := "{f_" + dim + ":Array(String)}"
		if kind == "has" {
			return "(empty(" + p + ") OR hasAny(" + expr + ", " + p + "))"
		}
		return "(empty(" + p + ") OR " + expr + " IN " + p + ")"
	})
	if q.Embed != nil {
		sts, err := registry().Statements(metrics.Query{Metrics: []string{q.Embed.Metric}, From: a.To.Add(-q.Embed.Window), To: a.To})
		if err != nil {
			return "", nil, fmt.Errorf("rows query %s: embedded metric: %w", q.Name, err)
		}
		// The metric's parameters get a prefix so that they cannot meet the
		// rows query's own (from, to, limit ...).
		inner := embedParamRe.ReplaceAllString(sts[0].SQL, "{e_$1:")
		for k, v := range sts[0].Params {
			params["e_"+k] = v
		}
		sql = strings.ReplaceAll(sql, "$embed", "("+inner+")")
	}
	return sql, params, nil
}

var embedParamRe = regexp.MustCompile(`\{([a-z_][a-z0-9_]*):`)

// GrafanaSQL renders the query for the ClickHouse plugin: the range as
// $__fromTime/$__toTime, each filter as $__conditionalAll over the template
// variable named after its dimension.
func (q *RowsQuery) GrafanaSQL() (string, error) {
	sql := q.render(func(name string) string {
		switch name {
		case "from":
			return "$__fromTime"
		case "to":
			return "$__toTime"
		default:
			return strconv.Itoa(q.Limit)
		}
	}, func(kind, dim, expr string) string {
		v := "${" + dim + ":singlequote}"
		if kind == "has" {
			return "$__conditionalAll(hasAny(" + expr + ", [" + v + "]), $" + dim + ")"
		}
		return "$__conditionalAll(" + expr + " IN (" + v + "), $" + dim + ")"
	})
	if q.Embed != nil {
		inner, err := registry().GrafanaSQL(q.Embed.Metric, metrics.GrafanaOptions{})
		if err != nil {
			return "", fmt.Errorf("rows query %s: embedded metric: %w", q.Name, err)
		}
		inner = shiftRange(inner, fmt.Sprintf("($__toTime - INTERVAL %d SECOND)", int64(q.Embed.Window/time.Second)), "$__toTime")
		sql = strings.ReplaceAll(sql, "$embed", "("+inner+")")
	}
	return sql, nil
}

// Run executes the query on conn.
func (q *RowsQuery) Run(ctx context.Context, conn driver.Conn, a RowsArgs) (*RowsResult, error) {
	sql, params, err := q.Statement(a)
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(clickhouse.Context(ctx, clickhouse.WithParameters(params)), sql)
	if err != nil {
		return nil, fmt.Errorf("rows query %s: %w", q.Name, err)
	}
	defer rows.Close()
	res := &RowsResult{Columns: rows.Columns()}
	types := rows.ColumnTypes()
	for rows.Next() {
		dest := make([]any, len(types))
		for i, t := range types {
			dest[i] = newScanTarget(t)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("rows query %s: read row: %w", q.Name, err)
		}
		row := make([]any, len(dest))
		for i, d := range dest {
			row[i] = deref(d)
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rows query %s: %w", q.Name, err)
	}
	return res, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// arrayLiteral is vals as a ClickHouse Array(String) parameter value.
func arrayLiteral(vals []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quoteString(v))
	}
	b.WriteByte(']')
	return b.String()
}

// quoteString is s as a ClickHouse string literal.
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// Rows returns the rows query called name.
func Rows(name string) (*RowsQuery, error) {
	for i := range rowsQueries {
		if rowsQueries[i].Name == name {
			return &rowsQueries[i], nil
		}
	}
	var names []string
	for _, q := range rowsQueries {
		names = append(names, q.Name)
	}
	return nil, fmt.Errorf("no rows query %q; there are %s", name, strings.Join(names, ", "))
}

// AllRows lists every rows query.
func AllRows() []*RowsQuery {
	out := make([]*RowsQuery, len(rowsQueries))
	for i := range rowsQueries {
		out[i] = &rowsQueries[i]
	}
	return out
}

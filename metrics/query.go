package metrics

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultZone is the zone days, weeks and hours are taken in unless a query
// says otherwise.
var DefaultZone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// DefaultLimit is the number of rows of a ranked metric (top_issues) when a
// query gives none.
const DefaultLimit = 10

// Query asks for some metrics over a time range, grouped and filtered by
// dimensions.
type Query struct {
	Metrics  []string
	From, To time.Time           // half-open [From, To)
	Zone     *time.Location      // days, weeks, hours of week; nil: Asia/Shanghai
	By       []string            // dimensions to group by
	Filters  map[string][]string // dimension -> allowed values (empty: all)
	Params   map[string]string   // metric parameter overrides, e.g. repeat_window=14
	Now      time.Time           // evaluation time (fcr_pending, backlog ...); zero: time.Now()
	Limit    int                 // rows of a ranked metric (top_issues); 0: DefaultLimit
}

// Statement is the SQL of one metric for a query, with its ClickHouse query
// parameters (values in ClickHouse's text format).
type Statement struct {
	Metric string
	SQL    string
	Params map[string]string
	// Dims are the dimension columns the statement returns first, then one
	// column per output of the metric.
	Dims    []string
	Outputs []Output
	// Companion statements (a metric's With) only add columns to the rows
	// of the statements before them, never rows.
	Companion bool
}

// timeFormat is how time parameters are sent: UTC, since the SQL declares
// them DateTime64(3, 'UTC').
const timeFormat = "2006-01-02 15:04:05.000"

// Validate checks q against the registry: known metrics, dimensions each
// metric has, known parameters, a non-empty range.
func (r *Registry) validate(q *Query) ([]*Metric, map[string]bool, error) {
	companions := map[string]bool{}
	if len(q.Metrics) == 0 {
		return nil, nil, fmt.Errorf("no metric asked for; valid metrics: %s", strings.Join(r.Names(), ", "))
	}
	if q.From.IsZero() || q.To.IsZero() {
		return nil, nil, fmt.Errorf("a query needs a range: from and to")
	}
	if !q.From.Before(q.To) {
		return nil, nil, fmt.Errorf("empty range [%s, %s): from must be before to", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	}
	var ms []*Metric
	seen := map[string]bool{}
	for _, name := range q.Metrics {
		m, err := r.Get(name)
		if err != nil {
			return nil, nil, err
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("metric %q asked for twice", name)
		}
		seen[name] = true
		ms = append(ms, m)
	}
	dimSeen := map[string]bool{}
	for _, d := range q.By {
		if dimSeen[d] {
			return nil, nil, fmt.Errorf("dimension %q given twice", d)
		}
		dimSeen[d] = true
	}
	check := func(d, what string) error {
		for _, m := range ms {
			if !contains(m.Dimensions, d) {
				if !knownDimension(d) {
					return fmt.Errorf("unknown dimension %q; valid dimensions: %s", d, strings.Join(AllDimensions(), ", "))
				}
				return fmt.Errorf("metric %s cannot be %s %s; its dimensions: %s", m.Name, what, d, strings.Join(m.Dimensions, ", "))
			}
		}
		return nil
	}
	for _, d := range q.By {
		if err := check(d, "grouped by"); err != nil {
			return nil, nil, err
		}
	}
	for d := range q.Filters {
		if err := check(d, "filtered by"); err != nil {
			return nil, nil, err
		}
	}
	for _, m := range append([]*Metric(nil), ms...) {
		for _, w := range m.With {
			if !seen[w] {
				seen[w] = true
				c, _ := r.Get(w)
				companions[w] = true
				ms = append(ms, c)
			}
		}
	}
	for _, m := range ms {
		for _, f := range m.Fixed {
			if !dimSeen[f] && len(q.Metrics) > 1 {
				return nil, nil, fmt.Errorf("metric %s is always by %s: query it alone or with --by %s", m.Name, f, f)
			}
		}
	}
	for k := range q.Params {
		ok := false
		for _, m := range ms {
			if _, has := m.Param(k); has {
				ok = true
			}
		}
		if !ok {
			var valid []string
			for _, m := range ms {
				for _, p := range m.Params {
					valid = append(valid, m.Name+"."+p.Name)
				}
			}
			if len(valid) == 0 {
				return nil, nil, fmt.Errorf("unknown parameter %q: %s take no parameters", k, strings.Join(q.Metrics, ", "))
			}
			return nil, nil, fmt.Errorf("unknown parameter %q; valid parameters: %s", k, strings.Join(valid, ", "))
		}
	}
	if q.Limit < 0 {
		return nil, nil, fmt.Errorf("limit %d: want a positive number", q.Limit)
	}
	return ms, companions, nil
}

func knownDimension(d string) bool {
	_, ok := dimensionDocs[d]
	return ok
}

// AllDimensions lists every dimension any metric may have.
func AllDimensions() []string {
	out := make([]string, 0, len(dimensionDocs))
	for d := range dimensionDocs {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Statements returns the SQL, with parameters, that Run would execute.
func (r *Registry) Statements(q Query) ([]Statement, error) {
	ms, companions, err := r.validate(&q)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, 0, len(ms))
	for _, m := range ms {
		cq := q
		if companions[m.Name] {
			cq.By = out[0].Dims
		}
		st, err := r.build(m, cq, paramFilter)
		if err != nil {
			return nil, err
		}
		st.Companion = companions[m.Name]
		out = append(out, st)
	}
	return out, nil
}

// filterRenderer writes the filter condition of one dimension: cond is the
// dimension's filter SQL with {p} where the allowed values go.
type filterRenderer func(dim, cond string) string

// paramFilter passes the allowed values as a query parameter.
func paramFilter(dim, cond string) string {
	return strings.ReplaceAll(cond, "{p}", "{f_"+dim+":Array(String)}")
}

var paramRef = regexp.MustCompile(`\{([a-z_][a-z0-9_]*):([^{}]+)\}`)

// build expands metric m's SQL for query q.
func (r *Registry) build(m *Metric, q Query, filter filterRenderer) (Statement, error) {
	if m.Composite {
		return r.composite(m, q, filter)
	}
	g := grains[m.Grain]
	zone := q.Zone
	if zone == nil {
		zone = DefaultZone
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	var dims []string
	for _, f := range m.Fixed {
		if !contains(q.By, f) {
			dims = append(dims, f)
		}
	}
	dims = append(dims, q.By...)
	timeExpr := g.time
	if m.TimeColumn != "" && !strings.Contains(m.TimeColumn, ".") {
		timeExpr = g.alias + "." + m.TimeColumn
	}
	dimSQL := func(s string) string { return strings.ReplaceAll(s, "{time}", timeExpr) }

	needJoins := map[string]bool{}
	var sel, group, order []string
	for _, d := range dims {
		if contains(m.Fixed, d) {
			continue // the metric's SQL selects and groups its fixed dimensions
		}
		def := g.dims[d]
		if d == grafanaTime {
			def = dimension{expr: "$__timeInterval({time})"}
		}
		sel = append(sel, dimSQL(def.expr)+" AS "+d)
		group = append(group, d)
		if def.sort != "" {
			order = append(order, "min("+dimSQL(def.sort)+")")
		} else {
			order = append(order, d)
		}
		for _, j := range def.joins {
			needJoins[j] = true
		}
	}
	var filters []string
	fdims := make([]string, 0, len(q.Filters))
	for d := range q.Filters {
		fdims = append(fdims, d)
	}
	sort.Strings(fdims)
	params := map[string]string{
		"from":      q.From.UTC().Format(timeFormat),
		"to":        q.To.UTC().Format(timeFormat),
		"prev_from": q.From.Add(-q.To.Sub(q.From)).UTC().Format(timeFormat),
		"now":       now.UTC().Format(timeFormat),
		"tz":        zone.String(),
		"limit":     strconv.Itoa(limit),
	}
	for _, d := range fdims {
		vals := q.Filters[d]
		if len(vals) == 0 {
			continue
		}
		if !strings.Contains(m.SQL, "{{filters}}") {
			return Statement{}, fmt.Errorf("metric %s cannot be filtered by %s: its SQL has no {{filters}}", m.Name, d)
		}
		def := g.dims[d]
		cond := def.filter
		if contains(m.Fixed, d) {
			def = dimension{} // the metric's SQL selects its fixed dimensions: filter on the column
			cond = d + " IN {p}"
		}
		if cond == "" {
			cond = def.expr + " IN {p}"
		}
		filters = append(filters, " AND "+filter(d, dimSQL(cond)))
		params["f_"+d] = arrayLiteral(vals)
		for _, j := range def.joins {
			needJoins[j] = true
		}
	}
	var joins []string
	for _, j := range g.joins {
		if needJoins[j.name] {
			joins = append(joins, j.sql)
		}
	}
	for _, p := range m.Params {
		params[p.Name] = p.Default
		if v, ok := q.Params[p.Name]; ok {
			params[p.Name] = v
		}
	}
	if v := q.Params; v != nil {
		for _, p := range m.Params {
			if s, ok := v[p.Name]; ok {
				if err := checkParam(p, s); err != nil {
					return Statement{}, fmt.Errorf("metric %s: %w", m.Name, err)
				}
			}
		}
	}
	groupBy := ""
	if len(group) > 0 {
		groupBy = "GROUP BY " + strings.Join(group, ", ") + "\nORDER BY " + strings.Join(order, ", ")
	}
	dimList := ""
	if len(sel) > 0 {
		dimList = strings.Join(sel, ", ") + ", "
	}
	sql := m.SQL
	sql = strings.ReplaceAll(sql, "{{dims}}", dimList)
	sql = strings.ReplaceAll(sql, "{{joins}}", strings.Join(joins, "\n"))
	sql = strings.ReplaceAll(sql, "{{filters}}", strings.Join(filters, ""))
	sql = strings.ReplaceAll(sql, "{{group_by}}", groupBy)
	used := map[string]string{}
	for _, ref := range paramRef.FindAllStringSubmatch(sql, -1) {
		v, ok := params[ref[1]]
		if !ok {
			return Statement{}, fmt.Errorf("metric %s: SQL uses parameter {%s:%s} that is neither standard (from, to, now, tz, limit) nor declared in its header", m.Name, ref[1], ref[2])
		}
		used[ref[1]] = v
	}
	return Statement{Metric: m.Name, SQL: sql, Params: used, Dims: dims, Outputs: m.Outputs}, nil
}

// checkParam rejects a value that cannot be of the parameter's type, so a
// typo fails with the parameter's name rather than a ClickHouse parse error.
func checkParam(p Param, v string) error {
	switch {
	case strings.HasPrefix(p.Type, "UInt"):
		if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			return fmt.Errorf("parameter %s=%q: want a whole number >= 0 (%s)", p.Name, v, p.Type)
		}
	case strings.HasPrefix(p.Type, "Int"):
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("parameter %s=%q: want a whole number (%s)", p.Name, v, p.Type)
		}
	case strings.HasPrefix(p.Type, "Float"):
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("parameter %s=%q: want a number (%s)", p.Name, v, p.Type)
		}
	}
	return nil
}

// arrayLiteral is a ClickHouse Array(String) literal, for a parameter value.
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

func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

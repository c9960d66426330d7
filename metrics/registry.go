package metrics

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	vocsql "github.com/voc-analytics/voc/sql"
)

// Metric is one metric of the registry, as its file's header declares it.
type Metric struct {
	Name, Title, Definition string // Definition: plain words, from the header
	// Unit of the metric's value: "ratio" (fraction 0..1) | "seconds" |
	// "count" | "score" | "nps" (-100..100) | "index" (0..100).
	Unit       string
	Direction  string   // "higher" | "lower" | "none": which way is better
	Grain      string   // what one underlying row is: contact, ticket, survey, message, post
	TimeColumn string   // the column ranges are applied to (started_at, created_at, sent_at, ...)
	Dimensions []string // the dimensions it can be grouped and filtered by
	// Fixed dimensions are always in the result (top_issues is always by topic).
	Fixed  []string
	Params []Param  // its own ClickHouse query parameters, with defaults
	Target *float64 // the target from DOMAIN.md where one exists, for reference lines
	// Outputs are the value columns, the first named like the metric; ranked
	// metrics such as top_issues have several.
	Outputs []Output
	// Ranked metrics return their rows in rank order (LIMIT {limit}).
	Ranked bool
	// With are metrics run alongside, grouped by this metric's dimensions,
	// whose values join its rows as extra columns (top_issues shows each
	// topic's negative_share and fcr): one definition of each number.
	With []string
	// Composite metrics (the quality index) are built from other metrics by
	// a configuration (quality.yaml); their file's body is {{composite}}.
	Composite bool
	SQL       string // the file body, markers and parameters unexpanded
	File      string // file name in sql/metrics
}

// Param is a ClickHouse query parameter of a metric.
type Param struct {
	Name    string `json:"name"` // as in the SQL: {Name:Type}
	Type    string `json:"type"` // ClickHouse type, e.g. UInt16
	Default string `json:"default"`
	Doc     string `json:"doc"`
}

// Output is one value column of a metric.
type Output struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	Doc  string `json:"doc"`
}

// Registry is a set of metrics loaded from SQL files.
type Registry struct {
	metrics map[string]*Metric
	sorted  []*Metric
	quality *QualityConfig // nil: DefaultQualityConfig
}

var (
	defaultOnce sync.Once
	defaultReg  *Registry
)

// Default returns the registry of sql/metrics embedded in the binary. Its
// load errors are caught by the package's tests, so it panics on one.
func Default() *Registry {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(vocsql.Metrics, "metrics")
		if err == nil {
			defaultReg, err = Load(sub)
		}
		if err != nil {
			panic(fmt.Sprintf("metrics: embedded registry: %v", err))
		}
	})
	return defaultReg
}

// Load reads every *.sql file at the root of fsys as a metric.
func Load(fsys fs.FS) (*Registry, error) {
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list metric files: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load metrics: no *.sql files")
	}
	r := &Registry{metrics: map[string]*Metric{}}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read metric %s: %w", f, err)
		}
		m, err := parseMetric(f, string(b))
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(f), ".sql"); m.Name != want {
			return nil, fmt.Errorf("metric file %s: header name %q, want the file's name %q", f, m.Name, want)
		}
		if prev, dup := r.metrics[m.Name]; dup {
			return nil, fmt.Errorf("metric %q defined in %s and %s", m.Name, prev.File, f)
		}
		r.metrics[m.Name] = m
		r.sorted = append(r.sorted, m)
	}
	sort.Slice(r.sorted, func(i, j int) bool { return r.sorted[i].Name < r.sorted[j].Name })
	for _, m := range r.sorted {
		for _, w := range m.With {
			c, ok := r.metrics[w]
			if !ok {
				return nil, fmt.Errorf("metric %s: with %q: no such metric", m.Name, w)
			}
			for _, d := range m.Dimensions {
				if !contains(c.Dimensions, d) {
					return nil, fmt.Errorf("metric %s: with %s: %s has no dimension %s", m.Name, w, w, d)
				}
			}
		}
	}
	for _, m := range r.sorted {
		if m.Composite {
			if err := DefaultQualityConfig().validate(r, m); err != nil {
				return nil, fmt.Errorf("metric %s: %w", m.Name, err)
			}
		}
	}
	outputs := map[string]string{}
	for _, m := range r.sorted {
		for _, o := range m.Outputs {
			if other, ok := outputs[o.Name]; ok {
				return nil, fmt.Errorf("metrics %s and %s both output a column %q: output names must be unique", other, m.Name, o.Name)
			}
			outputs[o.Name] = m.Name
		}
	}
	return r, nil
}

// List returns the metrics sorted by name.
func (r *Registry) List() []*Metric { return append([]*Metric(nil), r.sorted...) }

// Names returns the metric names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, len(r.sorted))
	for i, m := range r.sorted {
		out[i] = m.Name
	}
	return out
}

// Get returns the metric called name; an unknown name is an error that lists
// the valid ones.
func (r *Registry) Get(name string) (*Metric, error) {
	if m, ok := r.metrics[name]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("unknown metric %q; valid metrics: %s", name, strings.Join(r.Names(), ", "))
}

var (
	units      = []string{"ratio", "seconds", "count", "score", "nps", "index"}
	directions = []string{"higher", "lower", "none"}
	headerLine = regexp.MustCompile(`^--\s?([a-z_]+):\s*(.*)$`)
	paramSpec  = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s+([A-Za-z0-9(), ']+?)\s*=\s*(\S+)\s*(?:[-:—]\s*(.*))?$`)
	outputSpec = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s+([a-z]+)\s*(?:[-:—]\s*(.*))?$`)
	markers    = []string{"{{dims}}", "{{joins}}", "{{filters}}", "{{group_by}}"}
	reserved   = map[string]bool{"from": true, "to": true, "prev_from": true, "now": true, "tz": true, "limit": true}
)

// parseMetric reads a metric file: a header of `-- key: value` lines (a
// value continues on following `--   ` lines indented by two or more
// spaces), then the SQL body.
func parseMetric(file, text string) (*Metric, error) {
	m := &Metric{File: file}
	lines := strings.Split(text, "\n")
	var key string
	vals := map[string][]string{}
	var order []string
	body := 0
	for i, line := range lines {
		t := strings.TrimRight(line, " \t\r")
		if !strings.HasPrefix(t, "--") {
			body = i
			break
		}
		if sub := headerLine.FindStringSubmatch(t); sub != nil {
			key = sub[1]
			if _, seen := vals[key]; !seen {
				order = append(order, key)
			}
			vals[key] = append(vals[key], sub[2])
			continue
		}
		if cont := strings.TrimPrefix(t, "--"); key != "" && strings.HasPrefix(cont, "  ") && strings.TrimSpace(cont) != "" {
			v := vals[key]
			v[len(v)-1] += " " + strings.TrimSpace(cont)
			continue
		}
		key = "" // a plain comment ends a continued value
		body = i + 1
	}
	m.SQL = strings.TrimSpace(strings.Join(lines[body:], "\n")) + "\n"
	errf := func(format string, a ...any) error {
		return fmt.Errorf("metric file %s: %s", file, fmt.Sprintf(format, a...))
	}
	one := func(k string, required bool) (string, error) {
		v := vals[k]
		if len(v) > 1 {
			return "", errf("header %q given %d times", k, len(v))
		}
		if len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			if required {
				return "", errf("header lacks %q", k)
			}
			return "", nil
		}
		return strings.TrimSpace(v[0]), nil
	}
	known := map[string]bool{"name": true, "title": true, "definition": true, "unit": true, "direction": true, "grain": true,
		"time": true, "dimensions": true, "fixed": true, "param": true, "target": true, "outputs": true, "ranked": true, "with": true, "composite": true}
	for _, k := range order {
		if !known[k] {
			return nil, errf("unknown header key %q", k)
		}
	}
	var err error
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &m.Name}, {"title", &m.Title}, {"definition", &m.Definition}, {"unit", &m.Unit},
		{"direction", &m.Direction}, {"grain", &m.Grain}, {"time", &m.TimeColumn}} {
		if *f.dst, err = one(f.key, true); err != nil {
			return nil, err
		}
	}
	if !contains(units, m.Unit) {
		return nil, errf("unit %q: want one of %s", m.Unit, strings.Join(units, ", "))
	}
	if !contains(directions, m.Direction) {
		return nil, errf("direction %q: want one of %s", m.Direction, strings.Join(directions, ", "))
	}
	g, ok := grains[m.Grain]
	if !ok {
		return nil, errf("grain %q: want one of %s", m.Grain, strings.Join(grainNames(), ", "))
	}
	if d, _ := one("dimensions", false); d != "" {
		m.Dimensions = splitList(d)
	}
	if d, _ := one("fixed", false); d != "" {
		m.Fixed = splitList(d)
	}
	for _, d := range append(append([]string{}, m.Dimensions...), m.Fixed...) {
		if _, ok := g.dims[d]; !ok {
			return nil, errf("dimension %q is not a dimension of grain %s (%s)", d, m.Grain, strings.Join(g.names(), ", "))
		}
	}
	for _, d := range m.Fixed {
		if !contains(m.Dimensions, d) {
			return nil, errf("fixed dimension %q must also be listed in dimensions", d)
		}
	}
	for _, p := range vals["param"] {
		sub := paramSpec.FindStringSubmatch(strings.TrimSpace(p))
		if sub == nil {
			return nil, errf("param %q: want `NAME Type = default: what it means`", p)
		}
		if reserved[sub[1]] || strings.HasPrefix(sub[1], "f_") {
			return nil, errf("param %q: name is reserved", sub[1])
		}
		m.Params = append(m.Params, Param{Name: sub[1], Type: sub[2], Default: sub[3], Doc: strings.TrimSpace(sub[4])})
		if !strings.Contains(m.SQL, "{"+sub[1]+":"+sub[2]+"}") {
			return nil, errf("param %s is declared as %s but the SQL has no {%s:%s}", sub[1], sub[2], sub[1], sub[2])
		}
	}
	if t, _ := one("target", false); t != "" {
		f, err := strconv.ParseFloat(strings.Fields(t)[0], 64)
		if err != nil {
			return nil, errf("target %q: want a number first", t)
		}
		m.Target = &f
	}
	m.Outputs = []Output{{Name: m.Name, Unit: m.Unit, Doc: m.Title}}
	if o, _ := one("outputs", false); o != "" {
		for _, spec := range strings.Split(o, ";") {
			sub := outputSpec.FindStringSubmatch(strings.TrimSpace(spec))
			if sub == nil {
				return nil, errf("outputs %q: want `name unit: meaning; ...`", spec)
			}
			if !contains(units, sub[2]) {
				return nil, errf("output %s: unit %q: want one of %s", sub[1], sub[2], strings.Join(units, ", "))
			}
			m.Outputs = append(m.Outputs, Output{Name: sub[1], Unit: sub[2], Doc: strings.TrimSpace(sub[3])})
		}
	}
	if w, _ := one("with", false); w != "" {
		m.With = splitList(w)
	}
	if r, _ := one("ranked", false); r != "" {
		m.Ranked = r == "true"
	}
	if c, _ := one("composite", false); c != "" {
		if c != "quality" {
			return nil, errf("composite %q: the only composite is quality", c)
		}
		if strings.TrimSpace(m.SQL) != "{{composite}}" {
			return nil, errf("a composite metric's body is {{composite}} only")
		}
		m.Composite = true
		m.Outputs = m.Outputs[:1]
		for _, s := range QualitySubscores {
			m.Outputs = append(m.Outputs, Output{Name: "quality_" + s, Unit: "index", Doc: "the " + s + " sub-score, 0-100"})
		}
		return m, nil
	}
	if m.Ranked && !strings.Contains(m.SQL, "{limit:UInt32}") {
		return nil, errf("ranked metric needs LIMIT {limit:UInt32} in its SQL")
	}
	if !strings.Contains(m.SQL, "{from:DateTime64(3, 'UTC')}") || !strings.Contains(m.SQL, "{to:DateTime64(3, 'UTC')}") {
		return nil, errf("SQL must apply the range with {from:DateTime64(3, 'UTC')} and {to:DateTime64(3, 'UTC')}")
	}
	if len(m.Fixed) == 0 {
		for _, mk := range markers {
			if !strings.Contains(m.SQL, mk) {
				return nil, errf("SQL lacks the marker %s", mk)
			}
		}
	}
	return m, nil
}

// Param returns the metric's parameter called name.
func (m *Metric) Param(name string) (Param, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

package metrics

import (
	_ "embed"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed quality.yaml
var defaultQualityYAML []byte

// QualitySubscores are the five sub-scores of the quality index (seed 003),
// in the order of its output columns.
var QualitySubscores = []string{"attitude", "efficiency", "knowledge", "function", "satisfaction"}

// QualityConfig sets the weights of the quality index's sub-scores and how
// each sub-score scores its component metrics (quality.yaml is the default).
type QualityConfig struct {
	Weights   map[string]float64            `yaml:"weights"`
	Subscores map[string][]QualityComponent `yaml:"subscores"`
}

// QualityComponent scores one metric 0-100: 0 at Floor, 100 at Target,
// linear between, clamped. Target < Floor for a lower-is-better metric.
type QualityComponent struct {
	Metric string  `yaml:"metric"`
	Target float64 `yaml:"target"`
	Floor  float64 `yaml:"floor"`
}

// DefaultQualityConfig returns the embedded quality.yaml.
func DefaultQualityConfig() *QualityConfig {
	c, err := ParseQualityConfig(defaultQualityYAML)
	if err != nil {
		panic(fmt.Sprintf("metrics: embedded quality.yaml: %v", err))
	}
	return c
}

// ParseQualityConfig reads a quality index configuration.
func ParseQualityConfig(b []byte) (*QualityConfig, error) {
	var c QualityConfig
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse quality index config: %w", err)
	}
	return &c, nil
}

// LoadQualityConfig reads a quality index configuration file.
func LoadQualityConfig(path string) (*QualityConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read quality index config: %w", err)
	}
	c, err := ParseQualityConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// validate checks c against the registry: the five sub-scores, non-negative
// weights with a positive sum, known component metrics that have every
// dimension of the composite metric m.
func (c *QualityConfig) validate(r *Registry, m *Metric) error {
	var sum float64
	for name, w := range c.Weights {
		if !contains(QualitySubscores, name) {
			return fmt.Errorf("quality index: weight of unknown sub-score %q; sub-scores: %s", name, strings.Join(QualitySubscores, ", "))
		}
		if w < 0 {
			return fmt.Errorf("quality index: weight of %s is %g: want >= 0", name, w)
		}
		sum += w
	}
	if sum <= 0 {
		return fmt.Errorf("quality index: weights sum to %g: want > 0", sum)
	}
	for name, comps := range c.Subscores {
		if !contains(QualitySubscores, name) {
			return fmt.Errorf("quality index: unknown sub-score %q; sub-scores: %s", name, strings.Join(QualitySubscores, ", "))
		}
		for _, comp := range comps {
			cm, ok := r.metrics[comp.Metric]
			if !ok {
				return fmt.Errorf("quality index: sub-score %s: unknown metric %q; valid metrics: %s", name, comp.Metric, strings.Join(r.Names(), ", "))
			}
			if cm.Composite || len(cm.Fixed) > 0 || len(cm.Outputs) > 1 {
				return fmt.Errorf("quality index: sub-score %s: metric %s is not a single value", name, comp.Metric)
			}
			if comp.Target == comp.Floor {
				return fmt.Errorf("quality index: sub-score %s: metric %s has target = floor = %g", name, comp.Metric, comp.Target)
			}
			for _, d := range m.Dimensions {
				if !contains(cm.Dimensions, d) {
					return fmt.Errorf("quality index: sub-score %s: metric %s has no dimension %s, which %s offers", name, comp.Metric, d, m.Name)
				}
			}
		}
	}
	for _, s := range QualitySubscores {
		if len(c.Subscores[s]) == 0 && c.Weights[s] > 0 {
			return fmt.Errorf("quality index: sub-score %s has weight %g but no component metric", s, c.Weights[s])
		}
	}
	return nil
}

// components lists the distinct component metrics, sorted.
func (c *QualityConfig) components() []string {
	seen := map[string]bool{}
	var out []string
	for _, comps := range c.Subscores {
		for _, comp := range comps {
			if !seen[comp.Metric] {
				seen[comp.Metric] = true
				out = append(out, comp.Metric)
			}
		}
	}
	sort.Strings(out)
	return out
}

// WithQuality returns a copy of the registry whose quality index uses c.
func (r *Registry) WithQuality(c *QualityConfig) (*Registry, error) {
	cp := &Registry{metrics: map[string]*Metric{}, quality: c}
	for _, m := range r.sorted {
		cp.metrics[m.Name] = m
		cp.sorted = append(cp.sorted, m)
	}
	for _, m := range cp.sorted {
		if m.Composite {
			if err := c.validate(cp, m); err != nil {
				return nil, err
			}
		}
	}
	return cp, nil
}

// composite builds the SQL of the quality index: every component metric's
// statement as a subquery, joined on the dimensions, scored and weighted.
func (r *Registry) composite(m *Metric, q Query, filter filterRenderer) (Statement, error) {
	c := r.quality
	if c == nil {
		c = DefaultQualityConfig()
	}
	comps := c.components()
	params := map[string]string{}
	var dims []string
	var subs []string
	for i, name := range comps {
		cm := r.metrics[name]
		st, err := r.build(cm, q, filter)
		if err != nil {
			return Statement{}, err
		}
		for k, v := range st.Params {
			params[k] = v
		}
		dims = st.Dims
		// present_N tells a group the component has from one it lacks (whose
		// columns the join fills with defaults: join_use_nulls would also turn
		// the components' own LEFT JOINs to NULLs, so it is not used).
		subs = append(subs, fmt.Sprintf("(\nSELECT *, 1 AS present_%d FROM (\n%s\n)\n) AS q%d", i, strings.TrimSpace(st.SQL), i))
	}
	idx := map[string]int{}
	for i, n := range comps {
		idx[n] = i
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	sel := append([]string{}, dims...)
	var subExprs []string
	for _, s := range QualitySubscores {
		var scores, present []string
		for _, comp := range c.Subscores[s] {
			v := fmt.Sprintf("if(q%d.present_%d = 1, q%d.%s, NULL)", idx[comp.Metric], idx[comp.Metric], idx[comp.Metric], comp.Metric)
			// No value (NULL, or NaN from a ratio over no rows) scores NULL:
			// least/greatest skip NULL arguments, so test before clamping.
			score := fmt.Sprintf("if(isFinite(%s), 100 * least(greatest((%s - %s) / (%s), 0), 1), NULL)", v, v, num(comp.Floor), num(comp.Target-comp.Floor))
			scores = append(scores, "coalesce("+score+", 0)")
			present = append(present, "("+score+" IS NOT NULL)")
		}
		expr := "CAST(NULL AS Nullable(Float64))"
		if len(scores) > 0 {
			expr = "(" + strings.Join(scores, " + ") + ") / nullIf(" + strings.Join(present, " + ") + ", 0)"
		}
		subExprs = append(subExprs, expr)
	}
	var wsum, wpresent []string
	for _, s := range QualitySubscores {
		w := c.Weights[s]
		if w == 0 {
			continue
		}
		wsum = append(wsum, fmt.Sprintf("%s * coalesce(quality_%s, 0)", num(w), s))
		wpresent = append(wpresent, fmt.Sprintf("%s * (quality_%s IS NOT NULL)", num(w), s))
	}
	for i, s := range QualitySubscores {
		sel = append(sel, subExprs[i]+" AS quality_"+s)
	}
	index := "(" + strings.Join(wsum, " + ") + ") / nullIf(" + strings.Join(wpresent, " + ") + ", 0) AS quality_index"
	sel = append(sel[:len(dims)], append([]string{index}, sel[len(dims):]...)...)
	var from strings.Builder
	from.WriteString(subs[0])
	for i := 1; i < len(subs); i++ {
		if len(dims) == 0 {
			from.WriteString("\nCROSS JOIN " + subs[i])
		} else {
			from.WriteString("\nFULL OUTER JOIN " + subs[i] + " USING (" + strings.Join(dims, ", ") + ")")
		}
	}
	sql := "SELECT " + strings.Join(sel, ",\n    ") + "\nFROM " + from.String()
	if len(dims) > 0 {
		var order []string
		for _, d := range dims {
			if d == "hour_of_week" {
				order = append(order, "indexOf(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], substring(hour_of_week, 1, 3))")
			}
			order = append(order, d)
		}
		sql += "\nORDER BY " + strings.Join(order, ", ")
	}
	sql += "\n"
	return Statement{Metric: m.Name, SQL: sql, Params: params, Dims: dims, Outputs: m.Outputs}, nil
}

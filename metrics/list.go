package metrics

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteList writes one line per metric: name, unit, direction, grain,
// dimensions and parameters, then its title.
func WriteList(w io.Writer, r *Registry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tUNIT\tBETTER\tGRAIN\tTITLE\tPARAMETERS")
	for _, m := range r.List() {
		var ps []string
		for _, p := range m.Params {
			ps = append(ps, p.Name+"="+p.Default)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Unit, m.Direction, m.Grain, m.Title, strings.Join(ps, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nDimensions (--by, --filter); each metric's own are in docs/metrics.md:")
	dims := AllDimensions()
	sort.Strings(dims)
	for _, d := range dims {
		fmt.Fprintf(w, "  %-17s %s\n", d, dimensionDocs[d])
	}
	return nil
}

type listEntry struct {
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Definition string   `json:"definition"`
	Unit       string   `json:"unit"`
	Direction  string   `json:"direction"`
	Grain      string   `json:"grain"`
	TimeColumn string   `json:"time_column"`
	Dimensions []string `json:"dimensions"`
	Params     []Param  `json:"parameters"`
	Outputs    []Output `json:"outputs"`
	Target     *float64 `json:"target"`
}

// WriteListJSON writes the registry as a JSON array, one object per metric.
func WriteListJSON(w io.Writer, r *Registry) error {
	var out []listEntry
	for _, m := range r.List() {
		params := m.Params
		if params == nil {
			params = []Param{}
		}
		out = append(out, listEntry{m.Name, m.Title, m.Definition, m.Unit, m.Direction, m.Grain, m.TimeColumn, m.Dimensions, params, m.Outputs, m.Target})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteStatement writes a statement as `voc metrics --sql` shows it: the
// parameters as comments, then the SQL, runnable with clickhouse-client
// --param_NAME=VALUE.
func WriteStatement(w io.Writer, st Statement) {
	fmt.Fprintf(w, "-- metric: %s\n", st.Metric)
	keys := make([]string, 0, len(st.Params))
	for k := range st.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "-- param_%s=%s\n", k, st.Params[k])
	}
	fmt.Fprintf(w, "%s;\n\n", strings.TrimSpace(st.SQL))
}

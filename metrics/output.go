package metrics

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Records returns the rows as objects keyed by column name: what
// `voc metrics --format json` prints and /api/metrics returns.
func (res *Result) Records() []map[string]any {
	out := make([]map[string]any, len(res.Rows))
	for i, row := range res.Rows {
		rec := make(map[string]any, len(res.Columns))
		for j, c := range res.Columns {
			rec[c.Name] = row[j]
		}
		out[i] = rec
	}
	return out
}

// WriteJSON writes the rows as a JSON array of objects, keys in column
// order, numbers as numbers (null where a metric has no value). The CLI and
// the web API both write through it, so their output is byte-identical.
func (res *Result) WriteJSON(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, row := range res.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range res.Columns {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(c.Name)
			b.Write(k)
			b.WriteString(": ")
			b.WriteString(jsonValue(row[j]))
		}
		b.WriteString("}")
	}
	if len(res.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

func jsonValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// WriteCSV writes a header line of column names, then one line per row;
// numbers in full precision, empty where a metric has no value.
func (res *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		head[i] = c.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range res.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case nil:
			case float64:
				rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes an aligned table for people: ratios as percentages,
// durations and scores with one decimal, counts whole; "-" where a metric
// has no value.
func (res *Result) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		head[i] = c.Name
		if c.Kind == "metric" && c.Unit != "" && c.Unit != "count" {
			head[i] += " (" + unitLabel(c.Unit) + ")"
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = FormatValue(v, res.Columns[i].Unit)
			if res.Columns[i].Kind == "dimension" && cells[i] == "" {
				cells[i] = "(none)"
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if len(res.Rows) == 0 {
		fmt.Fprintln(tw, "(no rows)\t")
	}
	return tw.Flush()
}

func unitLabel(unit string) string {
	switch unit {
	case "ratio":
		return "%"
	case "seconds":
		return "s"
	case "nps":
		return "-100..100"
	case "index":
		return "0-100"
	}
	return unit
}

// FormatValue formats a cell for people, by unit (0.7123 ratio -> "71.2%").
func FormatValue(v any, unit string) string {
	f, ok := v.(float64)
	if !ok {
		if v == nil {
			return "-"
		}
		return fmt.Sprint(v)
	}
	switch unit {
	case "ratio":
		return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
	case "count":
		if f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'f', 2, 64)
	case "seconds", "nps", "index":
		return strconv.FormatFloat(f, 'f', 1, 64)
	default:
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
}

package dashboards

import (
	"fmt"
	"strings"
)

// PanelTable writes the dashboards and their panels as a Markdown table:
// what each panel shows and which registry metric or rows query it reads.
// docs/dashboards.md includes it (a test keeps it up to date).
func PanelTable() string {
	var b strings.Builder
	for _, d := range All() {
		fmt.Fprintf(&b, "### %s (`%s`)\n\n%s\n\n", d.Title, d.UID, d.Description)
		refresh := "off"
		if d.Refresh > 0 {
			refresh = d.Refresh.String()
		}
		var vars []string
		for _, v := range d.Variables {
			vars = append(vars, v.Name)
		}
		fmt.Fprintf(&b, "Default range: last %s. Refresh: %s. Variables: time range, %s.\n\n", grafanaDuration(d.Range), refresh, strings.Join(vars, ", "))
		b.WriteString("| # | panel | kind | reads | unit |\n|---|---|---|---|---|\n")
		for _, p := range d.Panels {
			var reads string
			switch {
			case p.Rows != "":
				reads = "rows query `" + p.Rows + "`"
			case p.PromQL != "":
				reads = "Prometheus `" + strings.ReplaceAll(p.PromQL, "|", `\|`) + "`"
			default:
				reads = "`" + strings.Join(p.Metrics, "`, `") + "`"
				if len(p.By) > 0 {
					reads += " by " + strings.Join(p.By, ", ")
				}
				if p.TimeSeries {
					reads += ", over time"
				}
				if p.Trend != "" {
					reads += "; trend `" + p.Trend + "` by day"
				}
				if len(p.Show) > 0 {
					reads += "; shows " + strings.Join(p.Show, ", ")
				}
			}
			if p.WoW {
				reads += "; with week-over-week change"
			}
			if p.Window > 0 {
				reads += "; last " + grafanaDuration(p.Window)
			}
			unit := p.Unit
			if unit == "" {
				unit = "-"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", p.ID, p.Title, p.Kind, reads, unit)
		}
		b.WriteString("\n")
	}
	return b.String()
}

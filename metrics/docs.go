package metrics

import (
	"bytes"
	"fmt"
	"strings"
)

// Markdown renders docs/metrics.md from the metric headers: what each metric
// means, its unit and grain, its dimensions and parameters. Regenerate it
// with `go test ./metrics -run TestDocsUpToDate -update`.
func Markdown(r *Registry) []byte {
	var b bytes.Buffer
	b.WriteString("# Metrics\n\n")
	b.WriteString("<!-- Generated from the headers of sql/metrics/*.sql by `go test ./metrics -run TestDocsUpToDate -update`: edit the SQL files, not this page. -->\n\n")
	b.WriteString("Every number voc shows comes from one SQL file per metric in [`sql/metrics/`](../sql/metrics): `voc metrics`, the weekly report, `voc serve` and the Grafana dashboards run the same statements (`voc metrics NAME --sql` prints them).\n\n")
	b.WriteString("- **Ranges** are half-open `[from, to)`. Days, ISO weeks and hours are taken in the query's zone (default Asia/Shanghai). Contacts are attributed by `started_at`, tickets by `created_at`, surveys by `sent_at`, messages by `occurred_at`, posts by `posted_at`.\n")
	b.WriteString("- **Units**: `ratio` is a fraction in [0, 1] (the table output shows percent), `seconds` a duration, `count` a number of rows, `nps` −100..100, `index` 0..100, `score` a mean rating. A ratio over no rows has no value (`null`), not 0.\n")
	b.WriteString("- **Parameters** are ClickHouse query parameters (`{repeat_window:UInt16}`), set with `voc metrics ... --param NAME=VALUE`.\n")
	b.WriteString("- **Issue topics** come from the `service_categories` table (internal/catalog): two contacts are about the same issue when their service categories share a topic.\n\n")
	b.WriteString("```sh\nvoc metrics list\nvoc metrics fcr,asa_p90,csat,nps --by channel --week 2026-W45\nvoc metrics fcr --from 2026-11-01 --to 2026-12-01 --by week --param repeat_window=14 --format json\n```\n\n")
	b.WriteString("| metric | unit | better | grain | title |\n|---|---|---|---|---|\n")
	for _, m := range r.List() {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s | %s |\n", m.Name, m.Name, m.Unit, m.Direction, m.Grain, m.Title)
	}
	b.WriteString("\n## Dimensions\n\n| dimension | values |\n|---|---|\n")
	for _, d := range AllDimensions() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", d, dimensionDocs[d])
	}
	for _, m := range r.List() {
		fmt.Fprintf(&b, "\n## %s\n\n**%s.** %s\n\n", m.Name, m.Title, m.Definition)
		fmt.Fprintf(&b, "- unit: `%s`; better: %s; grain: one row per %s, in range by `%s`\n", m.Unit, m.Direction, m.Grain, m.TimeColumn)
		if m.Target != nil {
			fmt.Fprintf(&b, "- target: %g\n", *m.Target)
		}
		fmt.Fprintf(&b, "- dimensions: %s\n", codeList(m.Dimensions))
		if len(m.Fixed) > 0 {
			fmt.Fprintf(&b, "- always grouped by: %s\n", codeList(m.Fixed))
		}
		if m.Ranked {
			fmt.Fprintf(&b, "- ranked: rows in rank order, `--limit N` (default %d)\n", DefaultLimit)
		}
		for _, p := range m.Params {
			fmt.Fprintf(&b, "- parameter `%s` (%s, default %s): %s\n", p.Name, p.Type, p.Default, p.Doc)
		}
		if len(m.Outputs) > 1 || len(m.With) > 0 {
			b.WriteString("- columns:")
			for _, o := range m.Outputs[1:] {
				fmt.Fprintf(&b, " `%s` (%s) %s;", o.Name, o.Unit, o.Doc)
			}
			for _, w := range m.With {
				fmt.Fprintf(&b, " `%s` (the [%s](#%s) metric by the same dimensions);", w, w, w)
			}
			b.Truncate(b.Len() - 1)
			b.WriteString("\n")
		}
		if m.Composite {
			writeQuality(&b, DefaultQualityConfig())
		}
		fmt.Fprintf(&b, "- SQL: [`sql/metrics/%s`](../sql/metrics/%s)\n", m.File, m.File)
	}
	return b.Bytes()
}

func codeList(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return "`" + strings.Join(xs, "`, `") + "`"
}

// writeQuality documents the default quality index configuration.
func writeQuality(b *bytes.Buffer, c *QualityConfig) {
	b.WriteString("- default configuration ([`metrics/quality.yaml`](../metrics/quality.yaml)); a component scores 100 · clamp((value − floor) / (target − floor), 0, 1):\n\n")
	b.WriteString("  | sub-score | weight | metric | floor (scores 0) | target (scores 100) |\n  |---|---|---|---|---|\n")
	for _, s := range QualitySubscores {
		for i, comp := range c.Subscores[s] {
			name, w := "", ""
			if i == 0 {
				name, w = s, fmt.Sprintf("%g %%", 100*c.Weights[s])
			}
			fmt.Fprintf(b, "  | %s | %s | [`%s`](#%s) | %g | %g |\n", name, w, comp.Metric, comp.Metric, comp.Floor, comp.Target)
		}
	}
	b.WriteString("\n")
}

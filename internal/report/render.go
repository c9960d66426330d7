package report

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Formats the report renders to.
const (
	FormatHTML     = "html"
	FormatMarkdown = "md"
	FormatJSON     = "json"
)

// Formats lists them for --help.
var Formats = []string{FormatHTML, FormatMarkdown, FormatJSON}

// maxEmergingShown bounds the emerging table in HTML and Markdown; JSON has all.
const maxEmergingShown = 20

// Render writes r in format (html, md or json) to w.
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case FormatHTML:
		return RenderHTML(w, r)
	case FormatMarkdown:
		return RenderMarkdown(w, r)
	case FormatJSON:
		return RenderJSON(w, r)
	}
	return fmt.Errorf("report format %q: choose %s", format, strings.Join(Formats, ", "))
}

// RenderJSON writes r as indented JSON (UTF-8, HTML characters not escaped).
func RenderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report %s as JSON: %w", r.Week, err)
	}
	return nil
}

// RenderHTML writes r as one self-contained HTML page: inline CSS and SVG,
// no scripts, no network.
func RenderHTML(w io.Writer, r *Report) error {
	t, err := htmltemplate.New("report.html.tmpl").Funcs(htmltemplate.FuncMap(funcs(r, true))).ParseFS(templateFS, "templates/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("parse HTML template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return fmt.Errorf("render report %s as HTML: %w", r.Week, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// RenderMarkdown writes r as GitHub-flavoured Markdown.
func RenderMarkdown(w io.Writer, r *Report) error {
	t, err := texttemplate.New("report.md.tmpl").Funcs(texttemplate.FuncMap(funcs(r, false))).ParseFS(templateFS, "templates/report.md.tmpl")
	if err != nil {
		return fmt.Errorf("parse Markdown template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return fmt.Errorf("render report %s as Markdown: %w", r.Week, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func funcs(r *Report, html bool) map[string]any {
	lang := r.Lang
	byID := map[string]Suggestion{}
	for _, s := range r.Suggestions {
		byID[s.ID] = s
	}
	source := func(q Quote) string {
		s := label(lang, "source_"+q.Source) + " " + q.ID
		var parts []string
		if q.Channel != "" {
			parts = append(parts, q.Channel)
		}
		if q.Model != "" {
			parts = append(parts, q.Model)
		}
		if !q.At.IsZero() {
			parts = append(parts, q.At.Format("01-02 15:04"))
		}
		if len(parts) > 0 {
			s += " · " + strings.Join(parts, " · ")
		}
		return s
	}
	link := func(q Quote) string {
		if r.Links == nil {
			return ""
		}
		return r.Links(q)
	}
	m := map[string]any{
		"l": func(key string) string { return label(lang, key) },
		"n": func(key string, n int64) string { return counted(lang, key, n) },
		"value": func(h Headline) string {
			if h.Value == nil && h.PendingUntil != "" {
				return "…"
			}
			return fmtValue(h.Value, h.Unit)
		},
		"pending": func(h Headline) string {
			if h.PendingUntil == "" {
				return ""
			}
			return fmt.Sprintf(label(lang, "pending"), h.PendingUntil)
		},
		"change":      fmtChange,
		"target":      func(h Headline) string { return fmtValue(h.Target, h.Unit) },
		"arrow":       arrow,
		"count":       fmtCount,
		"signedCount": fmtSigned,
		"pct":         fmtPct,
		"pctp":        fmtPctPtr,
		"changePct": func(x *float64) string {
			if x == nil {
				return label(lang, "new")
			}
			return fmtChangePct(x)
		},
		"float": fmtFloat,
		"ratio": func(x *float64) string {
			if x == nil {
				return label(lang, "new")
			}
			return fmtRatio(x)
		},
		"kind":      func(k string) string { return label(lang, "kind_"+k) },
		"status":    func(s string) string { return label(lang, "status_"+s) },
		"sparkText": sparkChars,
		"weeksText": func(ws []WeekCount) string {
			parts := make([]string, len(ws))
			for i, w := range ws {
				parts[i] = fmtCount(w.Contacts)
			}
			return strings.Join(parts, " → ")
		},
		"barWidth":    func(share float64) int { return int(math.Round(math.Min(1, share) * 160)) },
		"rangeText":   func(r *Report) string { return rangeText(r) },
		"method":      func(r *Report) []string { return MethodText(lang, r.Method, r.Tested) },
		"suggestions": func(ids []string) []Suggestion { return pick(byID, ids) },
		"shownEmerging": func(es []Emerging) []Emerging {
			if len(es) > maxEmergingShown {
				return es[:maxEmergingShown]
			}
			return es
		},
		"moreEmerging": func(es []Emerging) string {
			if len(es) <= maxEmergingShown {
				return ""
			}
			return fmt.Sprintf(label(lang, "more_emerging"), len(es)-maxEmergingShown)
		},
		"counts": func(cs []Count) string {
			parts := make([]string, len(cs))
			for i, c := range cs {
				parts[i] = mdEscape(c.Title) + " " + fmtCount(c.Contacts) + " (" + fmtPct(c.Share) + ")"
			}
			if len(parts) == 0 {
				return "–"
			}
			return strings.Join(parts, " · ")
		},
		"md": mdEscape,
		"verdict": func(h Headline) string {
			switch {
			case h.Trend == "flat":
				return label(lang, "neutral")
			case h.Verdict == "good" || h.Verdict == "bad":
				return label(lang, h.Verdict)
			}
			return ""
		},
		"verdictCell": func(h Headline) string {
			switch {
			case h.Verdict == "good":
				return "🟢 " + label(lang, "good")
			case h.Verdict == "bad":
				return "🔴 " + label(lang, "bad")
			case h.Trend == "flat":
				return "⚪ " + label(lang, "neutral")
			}
			return ""
		},
		"quoteSourceMD": func(q Quote) string {
			if u := link(q); u != "" {
				return "[" + mdEscape(source(q)) + "](" + u + ")"
			}
			return mdEscape(source(q))
		},
		"examplesMD": func(qs []Quote) string {
			parts := make([]string, len(qs))
			for i, q := range qs {
				parts[i] = "“" + mdEscape(q.Text) + "” (" + mdEscape(q.ID) + ")"
			}
			return strings.Join(parts, "<br>")
		},
	}
	if html {
		m["spark"] = func(ws []WeekCount) htmltemplate.HTML { return htmltemplate.HTML(sparkSVG(ws)) }
		m["quoteSource"] = func(q Quote) htmltemplate.HTML {
			s := htmltemplate.HTMLEscapeString(source(q))
			if u := link(q); u != "" {
				return htmltemplate.HTML(`<a href="` + htmltemplate.HTMLEscapeString(u) + `">` + s + `</a>`)
			}
			return htmltemplate.HTML(s)
		}
	}
	return m
}

func pick(byID map[string]Suggestion, ids []string) []Suggestion {
	var out []Suggestion
	for _, id := range ids {
		if s, ok := byID[id]; ok {
			out = append(out, s)
		}
	}
	return out
}

func rangeText(r *Report) string {
	from := r.Range.From
	last := r.Range.To.Add(-time.Second)
	return from.Format("2006-01-02") + " – " + last.Format("2006-01-02")
}

// mdEscape keeps a text literal inside Markdown (and inside a table cell).
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '~':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sparkSVG draws a small line chart of the weekly counts.
func sparkSVG(ws []WeekCount) string {
	const w, h, pad = 96.0, 28.0, 3.0
	if len(ws) == 0 {
		return ""
	}
	hi := 0.0
	for _, p := range ws {
		hi = math.Max(hi, p.Contacts)
	}
	if hi == 0 {
		hi = 1
	}
	step := 0.0
	if len(ws) > 1 {
		step = (w - 2*pad) / float64(len(ws)-1)
	}
	var pts []string
	var lx, ly float64
	for i, p := range ws {
		lx = pad + step*float64(i)
		ly = h - pad - (p.Contacts/hi)*(h-2*pad)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", lx, ly))
	}
	var title []string
	for _, p := range ws {
		title = append(title, p.Week+": "+fmtCount(p.Contacts))
	}
	return fmt.Sprintf(`<svg class="spark" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s"><title>%s</title>`+
		`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#d1d9e0" stroke-width="1"/>`+
		`<polyline fill="none" stroke="#0969da" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" points="%s"/>`+
		`<circle cx="%.1f" cy="%.1f" r="3" fill="#0969da"/></svg>`,
		w, h, w, h, htmltemplate.HTMLEscapeString(strings.Join(title, ", ")), htmltemplate.HTMLEscapeString(strings.Join(title, ", ")),
		pad, h-pad, w-pad, h-pad, strings.Join(pts, " "), lx, ly)
}

package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func fp(x float64) *float64 { return &x }

// sampleReport is a small hand-made report value for the renderers.
func sampleReport() *Report {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w, _ := ParseWeek("2026-W46", sh)
	q := Quote{Source: "contact", ID: "c-20261110-000042", Text: "升级以后遥控器就没反应了 | *急* <b>", Lang: "zh", Sentiment: -0.6, Channel: "app", Model: "E8N 65", At: w.Start().Add(34 * time.Hour)}
	return &Report{
		Week:  w.String(),
		Range: Range{From: w.Start(), To: w.End(), Zone: "Asia/Shanghai", Previous: "2026-W45", Baseline: []string{"2026-W42", "2026-W43", "2026-W44", "2026-W45"}},
		Headline: []Headline{
			{Metric: "contacts", Title: "Contacts", Unit: "count", Direction: "none", Value: fp(14000), Previous: fp(13000), Change: fp(1000), ChangePct: fp(1000.0 / 13000), Trend: "up", Verdict: "neutral"},
			{Metric: "fcr", Title: "FCR", Unit: "ratio", Direction: "higher", Value: fp(0.58), Previous: fp(0.6), Change: fp(-0.02), Trend: "down", Verdict: "bad", Target: fp(0.7)},
			{Metric: "asa_p90", Title: "ASA p90", Unit: "seconds", Direction: "lower", Value: fp(700), Previous: fp(800), Change: fp(-100), ChangePct: fp(-0.125), Trend: "down", Verdict: "good"},
		},
		TopIssues: []TopIssue{{
			Rank: 1, Topic: "remote", Title: "遥控器", Contacts: 900, Share: 0.12, Previous: 500, Change: 400, ChangePct: fp(0.8),
			Weekly:        []WeekCount{{"2026-W43", 480}, {"2026-W44", 510}, {"2026-W45", 500}, {"2026-W46", 900}},
			NegativeShare: fp(0.41), Sentiment: fp(-0.22), FCR: fp(0.4), RepeatRate: fp(0.3),
			Categories:  []Count{{Name: "remote-after-update", Title: "升级后遥控器失灵", Contacts: 400, Share: 0.44}},
			Models:      []Count{{Name: "E8N 65", Title: "E8N 65", Contacts: 500, Share: 0.55}},
			Channels:    []Count{{Name: "app", Title: "app", Contacts: 600, Share: 0.66}},
			Quotes:      []Quote{q},
			Suggestions: []string{"p-000007"},
		}},
		Emerging:    []Emerging{{Kind: KindModel, Name: "E8N 65/remote", Model: "E8N 65", Topic: "remote", Title: "E8N 65 × 遥控器", Count: 120, Baseline: 20, BaselineCount: 80, Ratio: fp(6), Score: 40.2, PValue: 6e-41, QValue: 1e-39, Examples: []Quote{q}}},
		Suggestions: []Suggestion{{ID: "p-000007", Title: "E8N 65 升级后遥控器失灵，建议推送修复", Status: "adopted", Endorsements: 31, Comments: 4, Topics: []string{"remote"}, Match: "topic"}},
		Lang:        "zh",
		Method:      DefaultEmerging(),
		Tested:      321,
	}
}

func TestRenderFormats(t *testing.T) {
	r := sampleReport()
	for _, lang := range Languages {
		r.Lang = lang
		for _, f := range Formats {
			var buf bytes.Buffer
			if err := Render(&buf, r, f); err != nil {
				t.Fatalf("%s %s: %v", lang, f, err)
			}
			out := buf.String()
			for _, want := range []string{"2026-W46", "c-20261110-000042", "p-000007", "E8N 65"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s %s: %q missing", lang, f, want)
				}
			}
			switch f {
			case FormatHTML:
				if strings.Contains(out, "*急* <b>") || !strings.Contains(out, "*急* &lt;b&gt;") || strings.Contains(out, "<script") {
					t.Errorf("%s html: quote not escaped or script present", lang)
				}
				if strings.Contains(out, "src=") || strings.Contains(out, "<link") {
					t.Errorf("%s html: refers to an external resource", lang)
				}
			case FormatMarkdown:
				if !strings.Contains(out, `\| \*急\* \<b\>`) {
					t.Errorf("%s md: quote not escaped for Markdown:\n%s", lang, out)
				}
			case FormatJSON:
				var top map[string]json.RawMessage
				if err := json.Unmarshal(buf.Bytes(), &top); err != nil {
					t.Fatal(err)
				}
				var keys []string
				for k := range top {
					keys = append(keys, k)
				}
				if len(top) != 6 {
					t.Errorf("JSON top-level keys %v, want exactly week, range, headline, top_issues, emerging, suggestions", keys)
				}
				for _, k := range []string{"week", "range", "headline", "top_issues", "emerging", "suggestions"} {
					if _, ok := top[k]; !ok {
						t.Errorf("JSON lacks %q", k)
					}
				}
				var em []map[string]any
				json.Unmarshal(top["emerging"], &em)
				for _, k := range []string{"kind", "name", "count", "baseline", "score", "model", "topic"} {
					if _, ok := em[0][k]; !ok {
						t.Errorf("emerging entry lacks %q", k)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, r, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestLabelsComplete: every label the templates ask for exists in both
// languages (an unknown key would print the key itself).
func TestLabelsComplete(t *testing.T) {
	re := regexp.MustCompile(`\{\{-?\s*l "([a-z_]+)"`)
	for _, name := range []string{"templates/report.html.tmpl", "templates/report.md.tmpl"} {
		b, err := templateFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if l, ok := labels[m[1]]; !ok || l[0] == "" || l[1] == "" {
				t.Errorf("%s: label %q missing", name, m[1])
			}
		}
	}
	for _, k := range []string{"kind_topic", "kind_category", "kind_model", "kind_term", "good", "bad", "neutral", "status_open", "source_contact", "source_ticket", "source_survey"} {
		if _, ok := labels[k]; !ok {
			t.Errorf("label %q missing", k)
		}
	}
}

package enrich_test

import (
	"strings"
	"testing"

	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

func TestNew(t *testing.T) {
	for _, name := range []string{enrich.Full, enrich.None} {
		if _, err := enrich.New(name); err != nil {
			t.Errorf("New(%q): %v", name, err)
		}
	}
	_, err := enrich.New("fast")
	if err == nil || !strings.Contains(err.Error(), enrich.Full) || !strings.Contains(err.Error(), enrich.None) {
		t.Errorf("New(\"fast\") = %v, want an error listing the choices", err)
	}
}

// TestFullEnrichesEveryTextOfAnEvent: through pipeline.EnrichEvent, the full
// enricher redacts every text and note of an event in place, takes the
// sentiment of the longest text and unions PII kinds and topics; none
// stores the texts as they came.
func TestFullEnrichesEveryTextOfAnEvent(t *testing.T) {
	full, err := enrich.New(enrich.Full)
	if err != nil {
		t.Fatal(err)
	}
	ev := &pipeline.TicketEvent{
		Title:  "遥控器失灵 13812345678",
		Text:   "升级以后遥控器完全没反应，等了一个星期都没人处理，太差了，邮箱 li@example.com",
		Reason: "客户来电13912345678要求升级",
	}
	en := pipeline.EnrichEvent(full, ev)
	for _, s := range []string{ev.Title, ev.Text, ev.Reason} {
		if strings.Contains(s, "13812345678") || strings.Contains(s, "13912345678") || strings.Contains(s, "li@example.com") {
			t.Errorf("not redacted: %q", s)
		}
	}
	if !strings.Contains(ev.Title, "[PHONE]") || !strings.Contains(ev.Text, "[EMAIL]") {
		t.Errorf("placeholders missing: %q / %q", ev.Title, ev.Text)
	}
	if en.Label != "neg" || en.Score >= 0 || en.Lang != "zh" {
		t.Errorf("enrichment of the longest text: label %s score %.2f lang %s, want a negative zh text", en.Label, en.Score, en.Lang)
	}
	if !contains(en.PII, "PHONE") || !contains(en.PII, "EMAIL") {
		t.Errorf("PII kinds %v, want PHONE and EMAIL", en.PII)
	}
	if !contains(en.Topics, "remote") {
		t.Errorf("topics %v, want remote", en.Topics)
	}

	none, err := enrich.New(enrich.None)
	if err != nil {
		t.Fatal(err)
	}
	raw := &pipeline.SurveyEvent{Comment: "电话13812345678"}
	if en := pipeline.EnrichEvent(none, raw); raw.Comment != "电话13812345678" || en.Label != "" {
		t.Errorf("none changed the text to %q or analysed it (%+v)", raw.Comment, en)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

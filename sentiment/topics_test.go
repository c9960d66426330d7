package sentiment

import (
	"slices"
	"strings"
	"testing"
)

func TestTaxonomyMatch(t *testing.T) {
	tax, err := LoadTaxonomy(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"display", "电视黑屏了，有声音没画面", []string{"display", "sound"}},
		{"remote and update", "升级以后遥控器没反应", []string{"remote", "update-firmware"}},
		{"repair and wait", "师傅说上门，等了半天没人理", []string{"repair-progress", "wait-time"}},
		{"refund", "退款什么时候到账", []string{"refund-billing"}},
		{"english", "the remote stopped working after the firmware update", []string{"remote", "update-firmware"}},
		{"hdmi pattern", "hdmi 2口没信号", []string{"other"}},
		{"nothing", "你好", []string{}},
		{"empty", "", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tax.Match(Normalize(tc.text))
			if !slices.Equal(got, tc.want) || got == nil {
				t.Fatalf("Match(%q) = %v, want %v", tc.text, got, tc.want)
			}
			if slow := tax.matchSlow(Normalize(tc.text)); !slices.Equal(got, slow) {
				t.Fatalf("Match %v and matchSlow %v differ", got, slow)
			}
		})
	}
}

func TestTaxonomyShape(t *testing.T) {
	tax, err := LoadTaxonomy(nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tax.Topics); n < 15 {
		t.Errorf("%d topics, want at least 15", n)
	}
	for _, tp := range tax.Topics {
		if tp.ZH == "" || tp.EN == "" || tp.ID != strings.ToLower(tp.ID) || strings.ContainsAny(tp.ID, " _") {
			t.Errorf("topic %+v: want a kebab-case id and zh and en names", tp.ID)
		}
	}
	for _, bad := range []string{"topics: [{id: a, zh: 甲, en: A}, {id: a, zh: 乙, en: B}]", "topics: [{id: x, patterns: ['(']}]", "topics: [{id: x, keywords: ['']}]"} {
		if _, err := LoadTaxonomy([]byte(bad)); err == nil {
			t.Errorf("LoadTaxonomy(%q) accepted", bad)
		}
	}
}

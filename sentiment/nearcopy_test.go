package sentiment

import "testing"

func TestNearCopyIndex(t *testing.T) {
	ix := NewNearCopyIndex([]string{
		"想问一下以旧换新怎么操作",
		"The agent was polite, but my TV is still broken.",
		"好的",
	})
	cases := []struct {
		name, text string
		want       bool
	}{
		{"zh with one character more", "我想问一下以旧换新怎么操作", true},
		{"en with case and punctuation changed", "the agent was polite but my tv is STILL broken", true},
		{"en with a word swapped", "The agent was polite, but my fridge is still broken.", true},
		{"short text, exact", "好的!", true},
		{"short text, other", "好吧", false},
		{"different complaint", "客服态度很差，我要投诉", false},
		{"shared topic, different text", "以旧换新的补贴什么时候到账", false},
		{"empty", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, sim, ok := ix.Match(tc.text)
			if ok != tc.want {
				t.Errorf("Match(%q) = %q, %.2f, %v; want near-copy %v", tc.text, m, sim, ok, tc.want)
			}
		})
	}
}

package sentiment

import (
	"testing"
)

func TestAppendUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"电视黑屏", []string{"电", "视", "黑", "屏"}},
		{"app闪退了!", []string{"app", "闪", "退", "了", "!"}},
		{"等了30分钟", []string{"等", "了", "0", "分", "钟"}},
		{"电话[phone]谢谢", []string{"电", "话", "[phone]", "谢", "谢"}},
		{"don't  like it 😡", []string{"don't", "like", "it", "😡"}},
		{"[unclosed", []string{"unclosed"}},
		{"", nil},
	}
	for _, tc := range tests {
		got := appendUnits(nil, tc.in)
		var want []uint64
		for _, u := range tc.want {
			want = append(want, fnv(u))
		}
		if len(got) != len(want) {
			t.Errorf("appendUnits(%q): %d units, want %d %q", tc.in, len(got), len(want), tc.want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("appendUnits(%q) unit %d differs from %q", tc.in, i, tc.want[i])
			}
		}
	}
}

func TestContrastUnit(t *testing.T) {
	lex, err := LoadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want int // index of the first unit after the contrast word, -1 for none
	}{
		{"师傅很好但是没修好", 6},
		{"good but slow", 2},
		{"但是没修好", -1}, // nothing before the contrast word
		{"没修好但是", -1}, // nothing after it
		{"butter is fine", -1},
	}
	for _, tc := range tests {
		u := appendUnits(nil, tc.in)
		before, after, found := lex.splitContrast(tc.in)
		if got := contrastUnit(before, after, found, u); got != tc.want {
			t.Errorf("contrastUnit(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestFeatures(t *testing.T) {
	lex, err := LoadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	f := featurizer{lex}
	x := f.features("太慢了!", &featureBuf{})
	// 4 units: 4 unigrams, 3 bigrams, 2 trigrams; then rule score, its bin, exclamation.
	if len(x) != 9+3 {
		t.Fatalf("%d features: %v", len(x), x)
	}
	var sawScore, sawExclaim bool
	for _, ft := range x {
		switch {
		case ft.Index >= numFeatures:
			t.Errorf("feature index %d outside the model", ft.Index)
		case ft.Index == denseLexScore:
			sawScore = ft.Value < 0
		case ft.Index == denseExclaim:
			sawExclaim = true
		}
	}
	if !sawScore || !sawExclaim {
		t.Errorf("features %v lack a negative rule score or the exclamation mark", x)
	}
	y := f.features("太慢了!", &featureBuf{})
	for i := range x {
		if x[i] != y[i] {
			t.Fatal("features differ between calls")
		}
	}
	if len(f.features("", &featureBuf{})) != 2 {
		t.Error("empty text: want only the rule score and its bin")
	}
}

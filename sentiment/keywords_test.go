package sentiment

import (
	"slices"
	"testing"
)

func TestKeywords(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want, not  []string
	}{
		{"domain words stay whole", "投屏一直失败，维修进度也没人更新", []string{"投屏", "维修进度"}, []string{"投", "屏"}},
		{"stop words dropped", "你好，请问我的遥控器怎么配对", []string{"遥控器", "配对"}, []string{"你好", "请问", "我", "的"}},
		{"no placeholders or personal data", "电话13812345678，邮箱a@b.cn，电视黑屏", []string{"黑屏"}, []string{"13812345678", "[phone]", "phone", "email"}},
		{"english", "The remote stopped working after the firmware update", []string{"remote", "firmware"}, []string{"the", "after"}},
		{"empty", "", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kw := a.Analyze(tc.text).Keywords
			if kw == nil || len(kw) > 5 {
				t.Fatalf("keywords %#v: want a non-nil list of at most 5", kw)
			}
			for _, w := range tc.want {
				if !slices.Contains(kw, w) {
					t.Errorf("keywords %v lack %q", kw, w)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(kw, w) {
					t.Errorf("keywords %v contain %q", kw, w)
				}
			}
		})
	}
}

// TestDictionaryFitsPreallocation fails when gse's dictionary (plus the
// project's words) outgrows gseTokens, which would bring back the slice
// growth that preallocating avoids.
func TestDictionaryFitsPreallocation(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	n := a.keywords.seg.Dict.NumTokens()
	if n > gseTokens || n < gseTokens*8/10 {
		t.Errorf("dictionary has %d tokens; set gseTokens a little above it (now %d)", n, gseTokens)
	}
	t.Logf("%d tokens, capacity %d", n, gseTokens)
}

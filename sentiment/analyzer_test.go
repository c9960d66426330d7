package sentiment

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// labelCases are short customer messages whose label both scorers must get
// right: the rules alone and the trained model with them.
var labelCases = []struct{ text, label string }{
	{"师傅很专业，态度很好👍", "pos"},
	{"好的，已经可以了，谢谢", "pos"},
	{"等了半天都没人理😡", "neg"},
	{"你们这是踢皮球，转来转去没人解决", "neg"},
	{"又坏了，第三次了，我要投诉", "neg"},
	{"不是很满意", "neg"},
	{"虽然师傅态度不错，但是问题还是没解决", "neg"},
	{"东西不错，就是客服太慢", "neg"},
	{"电视开机后屏幕闪烁，型号E8N 65，请问怎么处理", "neu"},
	{"请问安装需要预约吗", "neu"},
	{"电视升级后遥控器没反应", "neu"},
	{"The technician was very helpful, thanks!", "pos"},
	{"Terrible service, nobody answers and I waited for hours", "neg"},
	{"It is not good at all", "neg"},
	{"How do I reset the remote?", "neu"},
	// Multi-word entries: "hung up" and "on hold", not "up" or "hold".
	{"They hung up on me after an hour on hold", "neg"},
	{"No complaints, the engineer came through", "pos"},
	{"It arrived dead on arrival", "neg"},
}

// modelCases are hard cases the trained model (with the rules) must get
// right; the rules alone may not: negated negatives, polite complaints,
// contrast in both directions, sarcasm, fault reports without emotion.
var modelCases = []struct{ text, label string }{
	{"一点都不麻烦，很快就弄好了", "pos"},
	{"麻烦你们认真处理一下，这已经是我第三次反映了", "neg"},
	{"洗衣机排水很慢，请问怎么清理过滤网", "neu"},
	{"虽然排队久了点，但是师傅修得很好", "pos"},
	{"师傅态度挺好，可惜电视还是坏的", "neg"},
	{"真是太感谢了，修了三次还是坏的", "neg"},
	{"Oh great, it broke again", "neg"},
	{"Although the wait was long, the technician was excellent", "pos"},
	{"The agent was polite, but nothing was fixed", "neg"},
	{"I'd appreciate a reply, this is my fourth email", "neg"},
	{"The washer won't drain, how do I clean the filter?", "neu"},
}

func TestModelHardCases(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range modelCases {
		t.Run(tc.text, func(t *testing.T) {
			if r := a.Analyze(tc.text); r.Label != tc.label {
				t.Fatalf("label %s (score %.2f), want %s", r.Label, r.Score, tc.label)
			}
		})
	}
}

func TestAnalyzeLabels(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range labelCases {
		t.Run(tc.text, func(t *testing.T) {
			r := a.Analyze(tc.text)
			if r.Label != tc.label {
				t.Fatalf("label %s (score %.2f), want %s", r.Label, r.Score, tc.label)
			}
			if r.Score < -1 || r.Score > 1 {
				t.Fatalf("score %v outside [-1, 1]", r.Score)
			}
		})
	}
}

func TestLexiconScorer(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range labelCases {
		t.Run(tc.text, func(t *testing.T) {
			if score, label := a.Sentiment(tc.text, ScorerLexicon); label != tc.label {
				t.Fatalf("label %s (score %.2f), want %s", label, score, tc.label)
			}
		})
	}
}

func TestAnalyzeTopicsKeywordsRedaction(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := a.Analyze("升级以后遥控器没反应，等了半天没人理，电话13812345678")
	for _, want := range []string{"remote", "update-firmware", "wait-time"} {
		if !slices.Contains(r.Topics, want) {
			t.Errorf("topics %v lack %s", r.Topics, want)
		}
	}
	if !slices.Contains(r.PII, PIIPhone) || r.Redacted == r.Text {
		t.Errorf("phone not redacted: %q %v", r.Redacted, r.PII)
	}
	for _, k := range r.Keywords {
		if k == "13812345678" {
			t.Errorf("keyword leaks the phone number: %v", r.Keywords)
		}
	}
	if !slices.Contains(r.Keywords, "遥控器") {
		t.Errorf("keywords %v lack 遥控器", r.Keywords)
	}
	if r.Lang != LangZH {
		t.Errorf("lang %s", r.Lang)
	}
}

func TestNewLoadsOnce(t *testing.T) {
	a1, err1 := New()
	a2, err2 := New()
	if err1 != nil || err2 != nil || a1 != a2 {
		t.Fatalf("New should return one shared analyzer: %p %p %v %v", a1, a2, err1, err2)
	}
}

// TestAnalyzeConcurrent: one Analyzer shared by many goroutines (as the
// pipeline's enrichment workers share it) gives each text the result it gets
// alone. Run under -race by make test.
func TestAnalyzeConcurrent(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range []string{"testdata/eval_zh.tsv", "testdata/eval_en.tsv"} {
		items, err := ReadLabeledFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items[:100] {
			texts = append(texts, it.Text+" 电话13812345678")
		}
	}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = a.Analyze(s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(texts))
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += 3 {
				if got := a.Analyze(texts[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("%q: concurrent %+v, alone %+v", texts[i], got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

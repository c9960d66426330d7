package sentiment

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/sentiment/linear"
)

// evalTargets are the accuracy targets on the project's held-out
// customer-service evaluation sets, measured with the embedded model.
var evalTargets = []struct {
	file        string
	minItems    int
	minAccuracy float64
}{
	{"testdata/eval_zh.tsv", 600, 0.88},
	{"testdata/eval_en.tsv", 200, 0.85},
}

func TestEvalTargets(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range evalTargets {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			items, err := ReadLabeledFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) < tc.minItems {
				t.Fatalf("%s has %d items, want at least %d", tc.file, len(items), tc.minItems)
			}
			ev := Evaluate(a, ScorerCombined, items)
			t.Logf("%s: n=%d accuracy %.3f macro-F1 %.3f confusion %v", tc.file, ev.N, ev.Accuracy, ev.MacroF1, ev.Confusion)
			if ev.Accuracy < tc.minAccuracy {
				t.Errorf("accuracy %.3f < target %.2f", ev.Accuracy, tc.minAccuracy)
			}
		})
	}
}

// TestEvalSetsNotTrainedOn checks that no evaluation text is also a line of
// a training file (the train command's --exclude drops such lines, but the
// files themselves should not share texts either).
func TestEvalSetsNotTrainedOn(t *testing.T) {
	eval := map[string]string{}
	for _, tc := range evalTargets {
		items, err := ReadLabeledFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			eval[TextKey(it.Text)] = tc.file
		}
	}
	train, _ := filepath.Glob("data/*.tsv")
	shared, _ := filepath.Glob("data/shared/*.tsv")
	for _, f := range append(train, shared...) {
		items, err := ReadLabeledFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if src, ok := eval[TextKey(it.Text)]; ok {
				if n++; n <= 5 {
					t.Errorf("%s: %q is also in %s", f, it.Text, src)
				}
			}
		}
		if n > 5 {
			t.Errorf("%s: %d evaluation texts in all", f, n)
		}
	}
}

func TestEvaluate(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	items, err := ParseLabeled("pos\t师傅很专业，半小时就修好了，谢谢\nnegative\t等了半天都没人理，太过分了\n\nneu\t请问怎么恢复出厂设置\n")
	if err != nil {
		t.Fatal(err)
	}
	ev := Evaluate(a, ScorerCombined, items)
	if ev.N != 3 || ev.Accuracy != 1 || ev.MacroF1 != 1 || ev.Confusion != [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} {
		t.Fatalf("%+v", ev)
	}
	// Macro-F1 averages over the gold labels only: a pos/neg set with one
	// pos predicted as neu.
	items = []Labeled{{"pos", "师傅很专业，修好了，谢谢"}, {"pos", "请问怎么恢复出厂设置"}, {"neg", "太差劲了，再也不买了"}}
	ev = Evaluate(a, ScorerCombined, items)
	if want := (2.0/3 + 1) / 2; ev.Confusion[2][1] != 1 || abs(ev.MacroF1-want) > 1e-9 {
		t.Fatalf("macro-F1 %.4f, want %.4f; confusion %v", ev.MacroF1, want, ev.Confusion)
	}
	for _, bad := range []string{"good\ttext", "pos text without tab"} {
		if _, err := ParseLabeled(bad); err == nil {
			t.Errorf("ParseLabeled(%q) accepted", bad)
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

func TestTrainDeterministicAndHeldOut(t *testing.T) {
	cfg := TrainConfig{Files: []TrainFile{{Path: "data/seed_cs.tsv", Weight: 1}}, HoldoutPercent: 10, Epochs: 3, Seed: 1}
	m1, stats, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m2, _, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := m1.MarshalBinary()
	b2, _ := m2.MarshalBinary()
	if string(b1) != string(b2) {
		t.Fatal("training twice gave different models")
	}
	if _, err := LoadModel(b1); err != nil {
		t.Fatal(err)
	}
	items, err := ReadLabeledFile("data/seed_cs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, it := range items {
		if HeldOut(it.Text, 10) {
			held++
		}
	}
	if s := stats[0]; s.HeldOut != held || s.Train+s.HeldOut != len(items) || held == 0 || held > len(items)/4 {
		t.Fatalf("stats %+v, %d held out of %d", s, held, len(items))
	}
	// Excluding a file drops its texts from training.
	cfg.Exclude = []string{"data/seed_cs.tsv"}
	if _, _, err := Train(cfg); err == nil {
		t.Fatal("training with every text excluded should fail: no examples")
	}
}

func TestParseTrainFile(t *testing.T) {
	tests := []struct {
		arg     string
		want    TrainFile
		wantErr bool
	}{
		{"a.tsv", TrainFile{"a.tsv", 1}, false},
		{"a.tsv:3", TrainFile{"a.tsv", 3}, false},
		{"dir:x/a.tsv", TrainFile{"dir:x/a.tsv", 1}, false},
		{"a.tsv:0", TrainFile{}, true},
	}
	for _, tc := range tests {
		got, err := ParseTrainFile(tc.arg)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseTrainFile(%q) = %+v, %v", tc.arg, got, err)
		}
	}
}

func TestEmbeddedModelLoads(t *testing.T) {
	b, err := os.ReadFile("model/weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 4<<20 {
		t.Errorf("model is %d bytes: keep it to a few MB", len(b))
	}
	if _, err := LoadModel(b); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(b[:100]); err == nil {
		t.Fatal("truncated model accepted")
	}
	other := linear.NewModel(numFeatures, len(Labels))
	other.Tag = "some older feature set"
	ob, _ := other.MarshalBinary()
	if _, err := LoadModel(ob); err == nil || !strings.Contains(err.Error(), "retrain") {
		t.Fatalf("model with another feature set: %v", err)
	}
}

func TestParseLabeledSpreadsheetExports(t *testing.T) {
	want := []Labeled{{"pos", "很好"}, {"neg", "太差了"}}
	for _, tc := range []struct{ name, doc string }{
		{"plain", "pos\t很好\nneg\t太差了\n"},
		{"bom and crlf", "\ufeffpos\t很好\r\nneg\t太差了\r\n"},
		{"header", "label\ttext\npos\t很好\nneg\t太差了"},
		{"bom, header, crlf", "\ufeffLabel\tText\r\npos\t很好\r\nneg\t太差了\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLabeled(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	// A header is only a header on the first line.
	if _, err := ParseLabeled("pos\t很好\nlabel\ttext\n"); err == nil {
		t.Error("a 'label' line after the first was accepted")
	}
}

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
// customer-service evaluation sets, measured with the embedded model, with
// floors on macro-F1 and on every class's recall so that a model that gives
// up on one class (say, reads every complaint as neutral) fails even when
// its accuracy holds.
var evalTargets = []struct {
	file        string
	minItems    int
	minAccuracy float64
	minMacroF1  float64
	minRecall   float64
}{
	{"testdata/eval_zh.tsv", 600, 0.88, 0.88, 0.78},
	{"testdata/eval_en.tsv", 200, 0.85, 0.85, 0.78},
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
			if ev.MacroF1 < tc.minMacroF1 {
				t.Errorf("macro-F1 %.3f < floor %.2f", ev.MacroF1, tc.minMacroF1)
			}
			for gold, row := range ev.Confusion {
				n := row[0] + row[1] + row[2]
				if n == 0 {
					t.Errorf("no %s lines in %s", Labels[gold], tc.file)
					continue
				}
				if recall := float64(row[gold]) / float64(n); recall < tc.minRecall {
					t.Errorf("%s recall %.3f (%d of %d) < floor %.2f", Labels[gold], recall, row[gold], n, tc.minRecall)
				}
			}
		})
	}
}

// TestEvalSetsNotTrainedOn checks that no training file holds an evaluation
// text or a near-copy of one (character-trigram Jaccard >= NearCopyThreshold):
// the train command's --exclude drops such lines, but the files themselves
// should not share texts either, or accuracy would be measured on what the
// model has seen.
func TestEvalSetsNotTrainedOn(t *testing.T) {
	var evalTexts []string
	source := map[string]string{}
	for _, tc := range evalTargets {
		items, err := ReadLabeledFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			evalTexts = append(evalTexts, it.Text)
			source[it.Text] = tc.file
		}
	}
	ix := NewNearCopyIndex(evalTexts)
	train, _ := filepath.Glob("data/*.tsv")
	shared, _ := filepath.Glob("data/shared/*.tsv")
	files := append(train, shared...)
	if len(files) < 8 {
		t.Fatalf("found %d training files, want the committed ones (%v)", len(files), files)
	}
	for _, f := range files {
		items, err := ReadLabeledFile(f)
		if err != nil {
			t.Fatal(err)
		}
		thirdParty := strings.HasPrefix(f, "data/shared/")
		n := 0
		for _, it := range items {
			if m, sim, ok := ix.Match(it.Text); ok {
				if n++; n <= 5 && !thirdParty {
					t.Errorf("%s: %q copies %q of %s (similarity %.2f)", f, it.Text, m, source[m], sim)
				}
			}
		}
		switch {
		case n > 5 && !thirdParty:
			t.Errorf("%s: %d near-copies of evaluation texts in all", f, n)
		case n > 0 && thirdParty:
			// The shared corpora are kept as they came; training must
			// drop their near-copies instead.
			cfg := DefaultTrainConfig()
			cfg.Epochs = 1
			cfg.Files = []TrainFile{{Path: f, Weight: 1}}
			cfg.Exclude = []string{"testdata/eval_zh.tsv", "testdata/eval_en.tsv"}
			_, stats, err := Train(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if stats[0].Excluded != n {
				t.Errorf("%s: training excluded %d lines, want its %d near-copies of evaluation texts", f, stats[0].Excluded, n)
			}
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

// TestModelIsWhatMakeModelBuilds retrains with the Makefile's recipe
// (SENT_TRAIN, --holdout 10, the evaluation sets excluded, default
// options) from the committed files and compares the result with the
// embedded weights.bin byte for byte: the model in the binary is the one the
// repository's data produces, and a data change without `make model` fails.
func TestModelIsWhatMakeModelBuilds(t *testing.T) {
	cfg := DefaultTrainConfig()
	cfg.Files = makefileTrainFiles(t, "../Makefile")
	cfg.Exclude = []string{"testdata/eval_zh.tsv", "testdata/eval_en.tsv"}
	m, _, err := Train(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(ModelPath[len("sentiment/"):])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("weights.bin (%d bytes) is not what make model trains from the committed files (%d bytes): run make model and commit the result", len(want), len(got))
	}
}

// makefileTrainFiles reads the SENT_TRAIN list of the Makefile, the one
// place the training files and their weights are written down.
func makefileTrainFiles(t *testing.T, makefile string) []TrainFile {
	t.Helper()
	b, err := os.ReadFile(makefile)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "SENT_TRAIN :=") {
			in, line = true, strings.TrimPrefix(line, "SENT_TRAIN :=")
		}
		if !in {
			continue
		}
		cont := strings.HasSuffix(strings.TrimSpace(line), "\\")
		list = append(list, strings.Fields(strings.TrimSuffix(strings.TrimSpace(line), "\\"))...)
		if !cont {
			break
		}
	}
	if len(list) < 8 {
		t.Fatalf("found %d files in the Makefile's SENT_TRAIN, want the full list: %v", len(list), list)
	}
	var files []TrainFile
	for _, spec := range list {
		spec = strings.ReplaceAll(spec, "$(SENT_DATA)", "data")
		f, err := ParseTrainFile(spec)
		if err != nil {
			t.Fatalf("SENT_TRAIN entry %q: %v", spec, err)
		}
		files = append(files, f)
	}
	return files
}

package sentiment

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/voc-analytics/voc/sentiment/linear"
)

// TrainFile is one label<TAB>text file and the weight of its examples.
type TrainFile struct {
	Path   string
	Weight float64
}

// ParseTrainFile reads "PATH" or "PATH:WEIGHT" (weight > 0, default 1).
func ParseTrainFile(arg string) (TrainFile, error) {
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		w, err := strconv.ParseFloat(arg[i+1:], 64)
		if err == nil {
			if w <= 0 {
				return TrainFile{}, fmt.Errorf("training file %q: weight must be > 0", arg)
			}
			return TrainFile{Path: arg[:i], Weight: w}, nil
		}
	}
	return TrainFile{Path: arg, Weight: 1}, nil
}

// TrainConfig says what `voc sentiment train` learns from.
type TrainConfig struct {
	Files []TrainFile
	// HoldoutPercent of every file's lines (chosen by a hash of the text, see
	// HeldOut) are left out of training, for EvaluateHeldOut.
	HoldoutPercent int
	Epochs         int
	Seed           uint64
	// Exclude names label<TAB>text files (the evaluation sets) whose texts
	// must never be trained on: training lines with the same text or a
	// near-copy of one (NearCopyIndex) are dropped.
	Exclude      []string
	LearningRate float64 // AdaGrad base rate (0: linear's default)
	L2           float64 // weight decay (0: linear's default)
}

// Validate checks the configuration.
func (c TrainConfig) Validate() error {
	if len(c.Files) == 0 {
		return fmt.Errorf("no training files")
	}
	if c.HoldoutPercent < 0 || c.HoldoutPercent >= 100 {
		return fmt.Errorf("holdout %d%%: want 0..99", c.HoldoutPercent)
	}
	return nil
}

// HeldOut reports whether text belongs to the held-out split of percent
// percent. The split depends only on the text (FNV-1a of its normalised
// form), so it is the same on every run, in every file and for every caller.
func HeldOut(text string, percent int) bool {
	return percent > 0 && fnv(Normalize(text))%100 < uint64(percent)
}

// TrainStats counts what Train used.
type TrainStats struct {
	Path                 string
	Train, HeldOut       int
	Excluded             int            // lines also in an Exclude file, or near-copies of one
	PerLabel             map[string]int // training examples per label
	WeightedContribution float64
}

// DefaultTrainConfig is how `voc sentiment train` (and so `make model`)
// trains unless told otherwise.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{HoldoutPercent: 10, Epochs: 6, Seed: 1, LearningRate: 0.1, L2: 1e-5}
}

// Train fits the sentiment model on cfg.Files. Texts go through the same
// redaction and normalisation as Analyze.
func Train(cfg TrainConfig) (*linear.Model, []TrainStats, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	lex, err := LoadLexicon()
	if err != nil {
		return nil, nil, err
	}
	var excludedTexts []string
	for _, path := range cfg.Exclude {
		items, err := ReadLabeledFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("read excluded texts: %w", err)
		}
		for _, it := range items {
			excludedTexts = append(excludedTexts, it.Text)
		}
	}
	// Excluded texts and their near-copies (NearCopyThreshold) are not
	// trained on.
	excluded := NewNearCopyIndex(excludedTexts)
	f := featurizer{lex}
	var examples []linear.Example
	var stats []TrainStats
	for _, tf := range cfg.Files {
		items, err := ReadLabeledFile(tf.Path)
		if err != nil {
			return nil, nil, err
		}
		st := TrainStats{Path: tf.Path, PerLabel: map[string]int{}}
		for _, it := range items {
			if _, _, near := excluded.Match(it.Text); near {
				st.Excluded++
				continue
			}
			if HeldOut(it.Text, cfg.HoldoutPercent) {
				st.HeldOut++
				continue
			}
			st.Train++
			st.PerLabel[it.Label]++
			st.WeightedContribution += tf.Weight
			buf := &featureBuf{}
			x := f.features(prepare(it.Text), buf)
			examples = append(examples, linear.Example{X: x, Class: labelIndex(it.Label), Weight: float32(tf.Weight)})
		}
		stats = append(stats, st)
	}
	m, err := linear.Train(examples, numFeatures, len(Labels), linear.TrainOptions{Epochs: cfg.Epochs, Seed: cfg.Seed, LearningRate: cfg.LearningRate, L2: cfg.L2})
	if err != nil {
		return nil, nil, fmt.Errorf("train sentiment model: %w", err)
	}
	m.Tag = featureSet
	return m, stats, nil
}

// prepare is the text the scorers see: redacted, then normalised.
func prepare(text string) string {
	red, _ := Redact(text)
	return Normalize(red)
}

// ReadLabeledFile reads a label<TAB>text file.
func ReadLabeledFile(path string) ([]Labeled, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labelled texts: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(fh)
	if err != nil {
		return nil, fmt.Errorf("read labelled texts %s: %w", path, err)
	}
	items, err := ParseLabeled(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

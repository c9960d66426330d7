package sentiment

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// FileEvaluation is the evaluation of one label<TAB>text file, or of all
// files together (File "all"), as `voc sentiment eval` prints it.
type FileEvaluation struct {
	File string `json:"file"`
	Evaluation
}

// ReadEvalFiles reads label<TAB>text files for evaluation, keeping only the
// held-out split of `voc sentiment train --holdout heldOutPercent` when it
// is above 0. It is meant to run before the analyzer is loaded (seconds),
// so that a bad file fails at once.
func ReadEvalFiles(paths []string, heldOutPercent int) ([][]Labeled, error) {
	files := make([][]Labeled, len(paths))
	for i, p := range paths {
		items, err := ReadLabeledFile(p)
		if err != nil {
			return nil, err
		}
		if heldOutPercent > 0 {
			items = heldOutOnly(items, heldOutPercent)
		}
		files[i] = items
	}
	return files, nil
}

func heldOutOnly(items []Labeled, percent int) []Labeled {
	var out []Labeled
	for _, it := range items {
		if HeldOut(it.Text, percent) {
			out = append(out, it)
		}
	}
	return out
}

// EvaluateFiles evaluates each file's items (files[i] read from paths[i])
// and, for more than one file, all of them together, listing up to
// maxErrors misses per file (none for the total).
func EvaluateFiles(a *Analyzer, s Scorer, paths []string, files [][]Labeled, maxErrors int) []FileEvaluation {
	var all []Labeled
	var evals []FileEvaluation
	for i, p := range paths {
		all = append(all, files[i]...)
		evals = append(evals, FileEvaluation{p, Evaluate(a, s, files[i])})
	}
	if len(paths) > 1 {
		ev := Evaluate(a, s, all)
		ev.Errors = nil // listed per file
		evals = append(evals, FileEvaluation{"all", ev})
	}
	for i := range evals {
		evals[i].Errors = evals[i].Errors[:min(len(evals[i].Errors), max(maxErrors, 0))]
	}
	return evals
}

// WriteText prints the evaluation as a table: accuracy, macro-F1, the
// confusion matrix with per-label F1, and the listed misses.
func (e FileEvaluation) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s: items %d  accuracy %.3f  macro-F1 %.3f\n", e.File, e.N, e.Accuracy, e.MacroF1)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "gold \\ predicted\t"+strings.Join(Labels, "\t")+"\tF1\t")
	for i, g := range Labels {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t\n", g, e.Confusion[i][0], e.Confusion[i][1], e.Confusion[i][2], e.F1[g])
	}
	tw.Flush()
	for _, m := range e.Errors {
		fmt.Fprintf(w, "  miss: gold %s, predicted %s (score %+.2f): %s\n", m.Gold, m.Predicted, m.Score, m.Text)
	}
}

// NewFromModelFile returns the shared analyzer when modelFile is empty, else
// one scoring with the model in modelFile (from `voc sentiment train`).
func NewFromModelFile(modelFile string) (*Analyzer, error) {
	if modelFile == "" {
		return New()
	}
	b, err := os.ReadFile(modelFile)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return NewWithModel(b)
}

package sentiment

import (
	"fmt"
	"strings"
	"unicode"
)

// Labels in confusion-matrix order.
var Labels = []string{"neg", "neu", "pos"}

// Labeled is one gold-labelled text.
type Labeled struct{ Label, Text string }

// ParseLabeled reads label<TAB>text lines. Labels are pos, neu and neg
// (positive, neutral, negative are read as those); blank lines are skipped.
// Files exported from spreadsheets are accepted as they come: a UTF-8 byte
// order mark, CRLF line ends and a first line "label<TAB>text" (a header).
func ParseLabeled(doc string) ([]Labeled, error) {
	var out []Labeled
	doc = strings.TrimPrefix(doc, "\ufeff")
	for i, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		l, t, ok := strings.Cut(line, "\t")
		if i == 0 && strings.EqualFold(strings.TrimSpace(l), "label") {
			continue
		}
		l = canonicalLabel(l)
		if !ok || labelIndex(l) < 0 {
			return nil, fmt.Errorf("line %d: want pos|neu|neg<TAB>text, got %q", i+1, line)
		}
		out = append(out, Labeled{l, t})
	}
	return out, nil
}

func canonicalLabel(l string) string {
	switch l = strings.ToLower(strings.TrimSpace(l)); l {
	case "positive":
		return "pos"
	case "neutral":
		return "neu"
	case "negative":
		return "neg"
	}
	return l
}

func labelIndex(l string) int {
	for i, x := range Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// Evaluation is accuracy, per-label F1, macro-F1 and the confusion matrix
// (rows gold, columns predicted, both in Labels order).
type Evaluation struct {
	N         int                `json:"n"`
	Accuracy  float64            `json:"accuracy"`
	MacroF1   float64            `json:"macro_f1"`
	F1        map[string]float64 `json:"f1"`
	Confusion [3][3]int          `json:"confusion"`
	// Errors are the misclassified items, in input order.
	Errors []Miss `json:"errors,omitempty"`
}

// Miss is one misclassified item.
type Miss struct {
	Gold      string  `json:"gold"`
	Predicted string  `json:"predicted"`
	Score     float32 `json:"score"`
	Text      string  `json:"text"`
}

// Evaluate labels every item with a's scorer s and compares with the gold labels.
func Evaluate(a *Analyzer, s Scorer, items []Labeled) Evaluation {
	ev := Evaluation{N: len(items), F1: map[string]float64{}}
	correct := 0
	for _, it := range items {
		score, predicted := a.Sentiment(it.Text, s)
		g, p := labelIndex(it.Label), labelIndex(predicted)
		ev.Confusion[g][p]++
		if g == p {
			correct++
		} else {
			ev.Errors = append(ev.Errors, Miss{Gold: Labels[g], Predicted: predicted, Score: score, Text: it.Text})
		}
	}
	if ev.N > 0 {
		ev.Accuracy = float64(correct) / float64(ev.N)
	}
	// Macro-F1 averages over the labels that occur in the gold labels, so a
	// set without neutral texts is not penalised for a class it lacks.
	present := 0
	for i, l := range Labels {
		tp := ev.Confusion[i][i]
		var fp, fn int
		for j := range 3 {
			if j != i {
				fp += ev.Confusion[j][i]
				fn += ev.Confusion[i][j]
			}
		}
		if tp > 0 {
			prec, rec := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
			ev.F1[l] = 2 * prec * rec / (prec + rec)
		}
		if tp+fn > 0 {
			present++
			ev.MacroF1 += ev.F1[l]
		}
	}
	if present > 0 {
		ev.MacroF1 /= float64(present)
	}
	return ev
}

// TextKey is the identity of a text for keeping evaluation texts out of
// training: the normalised text with everything but letters and digits
// removed, so "The agent was polite, but my TV is still broken." and
// "the agent was polite but my tv is still broken" are the same text.
func TextKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, Normalize(s))
}

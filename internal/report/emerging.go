package report

import (
	"fmt"
	"math"
	"sort"
)

// EmergingConfig is the emerging-issue test and its thresholds. An item
// (topic, service category, product model × topic, or term) is emerging
// this week when all of these hold:
//
//   - it was counted at least MinCount times this week;
//   - its rate per contact rose at least MinRatio-fold over its rate in the
//     BaselineWeeks weeks before (exposure = contacts), or it is new;
//   - the exact conditional Poisson rate test (RateTest) rejects "same rate"
//     after Benjamini-Hochberg control of the false discovery rate at FDR
//     over every item that met the minimum count, all kinds together.
type EmergingConfig struct {
	BaselineWeeks int
	MinCount      int64
	MinRatio      float64
	FDR           float64
}

// DefaultEmerging: 4 baseline weeks, at least 5 this week, at least 1.5
// times the baseline rate, false discovery rate 5%.
func DefaultEmerging() EmergingConfig {
	return EmergingConfig{BaselineWeeks: 4, MinCount: 5, MinRatio: 1.5, FDR: 0.05}
}

// Validate reports a configuration error.
func (c EmergingConfig) Validate() error {
	if c.BaselineWeeks < 1 || c.MinCount < 1 || c.MinRatio < 1 || c.FDR <= 0 || c.FDR >= 1 {
		return fmt.Errorf("emerging test: want baseline weeks >= 1, minimum count >= 1, minimum ratio >= 1 and 0 < FDR < 1 (got %d, %d, %g, %g)",
			c.BaselineWeeks, c.MinCount, c.MinRatio, c.FDR)
	}
	return nil
}

// Item is one thing counted this week and over the baseline weeks.
type Item struct {
	Kind          string // topic | category | model | term
	Name          string
	Model, Topic  string
	Title         string
	Count         int64 // this week
	BaselineCount int64 // the baseline weeks together
}

// Kinds of emerging items, in the order the report lists ties.
const (
	KindTopic    = "topic"
	KindCategory = "category"
	KindModel    = "model"
	KindTerm     = "term"
)

var kindOrder = map[string]int{KindTopic: 0, KindCategory: 1, KindModel: 2, KindTerm: 3}

// Detect runs the test on items with this week's exposure and the baseline
// weeks' exposure (contacts) and returns the emerging ones, highest score
// first, and how many items were tested (the BH family size).
func Detect(items []Item, exposure, baselineExposure float64, cfg EmergingConfig) ([]Emerging, int) {
	if exposure <= 0 || baselineExposure <= 0 {
		return nil, 0
	}
	var tested []Item
	var tests []RateTest
	for _, it := range items {
		if it.Count < cfg.MinCount {
			continue
		}
		tested = append(tested, it)
		tests = append(tests, RateTest{Count: it.Count, Exposure: exposure, BaselineCount: it.BaselineCount, BaselineExposure: baselineExposure})
	}
	ps := make([]float64, len(tests))
	for i, t := range tests {
		ps[i] = t.PValue()
	}
	qs := BenjaminiHochberg(ps)
	var out []Emerging
	for i, it := range tested {
		t := tests[i]
		ratio := t.Ratio()
		if qs[i] > cfg.FDR || !(ratio >= cfg.MinRatio) {
			continue
		}
		e := Emerging{Kind: it.Kind, Name: it.Name, Model: it.Model, Topic: it.Topic, Title: it.Title,
			Count: it.Count, Baseline: round(t.Expected(), 2), BaselineCount: it.BaselineCount,
			Score: round(Score(ps[i]), 2), PValue: sig(ps[i]), QValue: sig(qs[i])}
		if !math.IsInf(ratio, 1) {
			r := round(ratio, 2)
			e.Ratio = &r
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		if out[a].Kind != out[b].Kind {
			return kindOrder[out[a].Kind] < kindOrder[out[b].Kind]
		}
		return out[a].Name < out[b].Name
	})
	return out, len(tested)
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// sig rounds to 4 significant digits (p-values span many magnitudes).
func sig(x float64) float64 {
	if math.Abs(x) < 1e-290 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	d := 3 - int(math.Floor(math.Log10(math.Abs(x))))
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}

package report

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// RateTest is the emerging-issue test of one item (a topic, a service
// category, a model × topic pair or a term): did its count this week rise
// against the previous weeks more than the change in volume explains?
//
// It is the exact conditional Poisson rate test (Przyborowski and Wilenski
// 1940): with this week's count x over exposure e1 (contacts this week) and
// the baseline's count y over exposure e0 (contacts in the baseline weeks),
// under the null hypothesis of equal rates x given x+y is binomial with
// n = x+y and p = e1/(e0+e1). The one-sided p-value is P(X >= x).
type RateTest struct {
	Count            int64   // x: this week
	Exposure         float64 // e1: contacts this week
	BaselineCount    int64   // y: baseline weeks together
	BaselineExposure float64 // e0: contacts in the baseline weeks
}

// Expected is the count the baseline rate predicts for this week's exposure.
func (t RateTest) Expected() float64 {
	if t.BaselineExposure <= 0 {
		return 0
	}
	return float64(t.BaselineCount) * t.Exposure / t.BaselineExposure
}

// Ratio is this week's rate over the baseline rate; +Inf when the item had
// no baseline count, NaN without exposure.
func (t RateTest) Ratio() float64 {
	if t.Exposure <= 0 || t.BaselineExposure <= 0 {
		return math.NaN()
	}
	if t.BaselineCount == 0 {
		if t.Count == 0 {
			return math.NaN()
		}
		return math.Inf(1)
	}
	return (float64(t.Count) / t.Exposure) / (float64(t.BaselineCount) / t.BaselineExposure)
}

// PValue is the one-sided p-value of "this week's rate is higher".
func (t RateTest) PValue() float64 {
	if t.Exposure <= 0 || t.BaselineExposure <= 0 {
		return 1
	}
	p := t.Exposure / (t.Exposure + t.BaselineExposure)
	return BinomialUpperTail(t.Count, t.Count+t.BaselineCount, p)
}

// BinomialUpperTail is P(X >= k) for X ~ Binomial(n, p).
func BinomialUpperTail(k, n int64, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	// P(X >= k) = I_p(k, n-k+1), the regularized incomplete beta function.
	return mathext.RegIncBeta(float64(k), float64(n-k+1), p)
}

// BenjaminiHochberg returns the BH-adjusted p-values (q-values) of ps, in
// the same order: an item is a discovery at false discovery rate alpha when
// its q <= alpha.
func BenjaminiHochberg(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	q := make([]float64, m)
	prev := 1.0
	for r := m - 1; r >= 0; r-- {
		i := idx[r]
		v := math.Min(prev, ps[i]*float64(m)/float64(r+1))
		q[i] = v
		prev = v
	}
	return q
}

// Score is how the report ranks and shows a finding: -log10 of its p-value
// (3 means p = 0.001), capped at 300 for p-values below float precision.
func Score(p float64) float64 {
	if p <= 1e-300 {
		return 300
	}
	return -math.Log10(p)
}

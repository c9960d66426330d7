package report

import (
	"math"
	"testing"
)

func TestBinomialUpperTail(t *testing.T) {
	cases := []struct {
		name string
		k, n int64
		p    float64
		want float64 // computed by hand (see each case)
	}{
		// all 8 of 8 with p = 1/5: (1/5)^8
		{"all successes", 8, 8, 0.2, 2.56e-6},
		// 1 - [C(10,0) .75^10 + C(10,1) .25 .75^9 + C(10,2) .25^2 .75^8] = 1 - (.0563135 + .1877117 + .2815676)
		{"three of ten", 3, 10, 0.25, 0.4744072},
		// symmetric: P(X>=10) = 1/2 + P(X=10)/2 = 1/2 + C(20,10)/2^21 = 0.5 + 184756/2097152
		{"half of twenty", 10, 20, 0.5, 0.5 + 184756.0/2097152},
		// sum_{i=12}^{20} C(20,i) .2^i .8^(20-i), first terms C(20,12).2^12 .8^8 = 8.66e-5, C(20,13)...
		{"twelve of twenty", 12, 20, 0.2, 1.0172877e-4},
		{"k zero", 0, 5, 0.3, 1},
		{"k above n", 6, 5, 0.3, 0},
		{"p zero", 1, 5, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := BinomialUpperTail(c.k, c.n, c.p)
			if math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) && math.Abs(got-c.want)/c.want > 1e-5 {
				t.Errorf("P(X >= %d | n=%d, p=%g) = %.8g, want %.8g", c.k, c.n, c.p, got, c.want)
			}
		})
	}
}

func TestRateTest(t *testing.T) {
	cases := []struct {
		name                string
		test                RateTest
		expected, ratio, pv float64
	}{
		// 8 this week, none in 4 baseline weeks of equal volume: p0 = 1/5, p = (1/5)^8
		{"new item", RateTest{Count: 8, Exposure: 1000, BaselineCount: 0, BaselineExposure: 4000}, 0, math.Inf(1), 2.56e-6},
		// 12 this week, 8 over the baseline (2 a week): expected 2, ratio 6, p = P(Bin(20, 1/5) >= 12)
		{"sixfold", RateTest{Count: 12, Exposure: 1000, BaselineCount: 8, BaselineExposure: 4000}, 2, 6, 1.0172877e-4},
		// volume doubled and so did the count: ratio 1, p = P(Bin(20, 1/2) >= 10)
		{"volume explains it", RateTest{Count: 10, Exposure: 2000, BaselineCount: 10, BaselineExposure: 2000}, 10, 1, 0.5 + 184756.0/2097152},
		{"no baseline weeks", RateTest{Count: 10, Exposure: 1000}, 0, math.NaN(), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.test.Expected(); math.Abs(got-c.expected) > 1e-9 {
				t.Errorf("expected = %g, want %g", got, c.expected)
			}
			if got := c.test.Ratio(); !(got == c.ratio || math.IsNaN(got) && math.IsNaN(c.ratio) || math.Abs(got-c.ratio) < 1e-9) {
				t.Errorf("ratio = %g, want %g", got, c.ratio)
			}
			if got := c.test.PValue(); math.Abs(got-c.pv)/c.pv > 1e-5 {
				t.Errorf("p = %.8g, want %.8g", got, c.pv)
			}
		})
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	// sorted: .005 (rank 1), .01 (2), .03 (3), .04 (4); m/rank * p = .02, .02, .04, .04;
	// running minimum from the largest rank down leaves them as they are.
	ps := []float64{0.01, 0.04, 0.03, 0.005}
	want := []float64{0.02, 0.04, 0.04, 0.02}
	// a large p-value before a small one: .5 at rank 2 of 2 -> .5, .001 at rank 1 -> .002
	ps2 := []float64{0.5, 0.001}
	want2 := []float64{0.5, 0.002}
	// monotonicity: rank 1 .02*3 = .06 but rank 2 .021*3/2 = .0315 -> min is .0315 for both
	ps3 := []float64{0.02, 0.021, 0.9}
	want3 := []float64{0.0315, 0.0315, 0.9}
	for i, c := range []struct{ ps, want []float64 }{{ps, want}, {ps2, want2}, {ps3, want3}} {
		got := BenjaminiHochberg(c.ps)
		for j := range got {
			if math.Abs(got[j]-c.want[j]) > 1e-12 {
				t.Errorf("case %d: q = %v, want %v", i, got, c.want)
				break
			}
		}
	}
	if got := BenjaminiHochberg(nil); len(got) != 0 {
		t.Errorf("no p-values: got %v", got)
	}
}

func TestScore(t *testing.T) {
	if got := Score(0.001); math.Abs(got-3) > 1e-12 {
		t.Errorf("Score(0.001) = %g, want 3", got)
	}
	if got := Score(0); got != 300 {
		t.Errorf("Score(0) = %g, want the cap 300", got)
	}
}

package report

import (
	"math"
	"testing"
)

// TestDetect: exposure 1000 contacts this week, 4000 over the baseline weeks,
// so under "same rate" p0 = 1000/5000 = 1/5.
func TestDetect(t *testing.T) {
	items := []Item{
		// new: p = (1/5)^8 = 2.56e-6
		{Kind: KindCategory, Name: "remote-after-update", Count: 8},
		// 12 vs expected 2: p = P(Bin(20, 1/5) >= 12) = 1.0173e-4
		{Kind: KindModel, Name: "E8N 65/remote", Model: "E8N 65", Topic: "remote", Count: 12, BaselineCount: 8},
		// same rate as before: p = P(Bin(250, 1/5) >= 50) ~ 0.53, not emerging
		{Kind: KindTopic, Name: "display", Count: 50, BaselineCount: 200},
		// below the minimum count: not even tested
		{Kind: KindTerm, Name: "遥控器", Count: 4},
		// significant but a small rise: 300 vs expected 240 (ratio 1.25 < 1.5)
		{Kind: KindTopic, Name: "network-wifi", Count: 300, BaselineCount: 960},
	}
	got, tested := Detect(items, 1000, 4000, DefaultEmerging())
	if tested != 4 {
		t.Errorf("tested %d items, want 4 (one is below the minimum count)", tested)
	}
	if len(got) != 2 {
		t.Fatalf("emerging = %+v, want remote-after-update and E8N 65/remote", got)
	}
	// BH with m = 4: q(2.56e-6) = 4*2.56e-6/1 = 1.024e-5, q(1.0173e-4) = 4*1.0173e-4/2 = 2.035e-4.
	want := []struct {
		name     string
		p, q     float64
		score    float64
		baseline float64
		ratio    float64 // NaN: new
	}{
		{"remote-after-update", 2.56e-6, 1.024e-5, 5.59, 0, math.NaN()},
		{"E8N 65/remote", 1.017e-4, 2.035e-4, 3.99, 2, 6},
	}
	for i, w := range want {
		e := got[i]
		if e.Name != w.name || math.Abs(e.PValue-w.p)/w.p > 1e-3 || math.Abs(e.QValue-w.q)/w.q > 1e-3 || e.Score != w.score || e.Baseline != w.baseline {
			t.Errorf("entry %d = %+v, want %s p %g q %g score %g baseline %g", i, e, w.name, w.p, w.q, w.score, w.baseline)
		}
		if math.IsNaN(w.ratio) != (e.Ratio == nil) || e.Ratio != nil && *e.Ratio != w.ratio {
			t.Errorf("entry %d ratio = %v, want %g", i, e.Ratio, w.ratio)
		}
	}
	if got, _ := Detect(items, 1000, 0, DefaultEmerging()); got != nil {
		t.Errorf("without baseline weeks nothing can be emerging, got %+v", got)
	}
}

// TestDetectNullWeeksRaiseNothing: items whose counts follow their baseline
// rate exactly must never be flagged, however many there are.
func TestDetectNullWeeksRaiseNothing(t *testing.T) {
	var items []Item
	for i := range 500 {
		base := int64(20 + i)
		items = append(items, Item{Kind: KindTerm, Name: string(rune('a' + i%26)), Count: base / 4, BaselineCount: base})
	}
	if got, n := Detect(items, 1000, 4000, DefaultEmerging()); len(got) != 0 || n != 500 {
		t.Errorf("tested %d, flagged %+v", n, got)
	}
}

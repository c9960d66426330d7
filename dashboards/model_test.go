package dashboards

import (
	"strings"
	"testing"
	"time"
)

// TestAllPanelsHaveTheirMetrics fails when a panel is left out because the
// registry lacks (or renamed) a metric it reads.
func TestAllPanelsHaveTheirMetrics(t *testing.T) {
	for _, p := range Pending() {
		t.Errorf("%s: panel %q is left out: the registry has no %s (renamed? update dashboards/defs.go)", p.Dashboard, p.Panel, strings.Join(p.Missing, ", "))
	}
}

func TestDashboardDefinitions(t *testing.T) {
	all := All()
	if len(all) != 4 {
		t.Fatalf("%d dashboards, want 4", len(all))
	}
	uids := map[string]bool{}
	for _, d := range all {
		if uids[d.UID] || d.UID == "" || d.Title == "" || d.Description == "" || d.Range <= 0 {
			t.Errorf("dashboard %q: duplicate or missing uid, title, description or range", d.UID)
		}
		uids[d.UID] = true
		if got, err := Get(d.UID); err != nil || got.Title != d.Title {
			t.Errorf("Get(%s) = %v, %v", d.UID, got.Title, err)
		}
		ids := map[int]bool{}
		for _, p := range d.Panels {
			where := d.UID + " / " + p.Title
			if ids[p.ID] || p.ID <= 0 {
				t.Errorf("%s: id %d duplicate or missing", where, p.ID)
			}
			ids[p.ID] = true
			if p.Title == "" || p.Description == "" || p.Section == "" {
				t.Errorf("%s: title, description or section missing", where)
			}
			if p.Unit == "" && p.Kind != KindTable {
				t.Errorf("%s: no unit", where)
			}
			if len(p.Thresholds) == 0 {
				t.Errorf("%s: no thresholds", where)
			}
			for i := 2; i < len(p.Thresholds); i++ {
				if p.Thresholds[i].Value <= p.Thresholds[i-1].Value {
					t.Errorf("%s: thresholds not ascending: %v", where, p.Thresholds)
				}
			}
			if p.Detail == "" {
				t.Errorf("%s: no detail (what rows stand behind it)", where)
			}
			if (len(p.Metrics) > 0) == (p.Rows != "") && p.PromQL == "" {
				t.Errorf("%s: a panel reads metrics or a rows query, not both or neither", where)
			}
			if len(p.Metrics) > 0 && (p.Query == nil || strings.Join(p.Query.Metrics, ",") != strings.Join(p.Metrics, ",")) {
				t.Errorf("%s: registry query %+v does not match its metrics", where, p.Query)
			}
			if p.X < 0 || p.Width <= 0 || p.X+p.Width > gridWidth || p.Height <= 0 || p.Y <= 0 {
				t.Errorf("%s: grid %d,%d %dx%d", where, p.X, p.Y, p.Width, p.Height)
			}
		}
		checkNoOverlap(t, d)
	}
	ops, _ := Get("voc-operations")
	if ops.Refresh <= 0 || ops.Refresh > 10*time.Second {
		t.Errorf("operations refresh %s, want at most 10 s", ops.Refresh)
	}
	for _, uid := range []string{"voc-executive", "voc-product", "voc-operations"} {
		d, _ := Get(uid)
		var names []string
		for _, v := range d.Variables {
			names = append(names, v.Name)
		}
		if strings.Join(names, ",") != "channel,product_model,topic" {
			t.Errorf("%s variables %v", uid, names)
		}
	}
	if _, err := Get("nope"); err == nil || !strings.Contains(err.Error(), "voc-executive") {
		t.Errorf("unknown uid: %v", err)
	}
}

func checkNoOverlap(t *testing.T, d Dashboard) {
	t.Helper()
	type cell struct{ x, y int }
	used := map[cell]string{}
	for _, p := range d.Panels {
		for x := p.X; x < p.X+p.Width; x++ {
			for y := p.Y; y < p.Y+p.Height; y++ {
				if other, taken := used[cell{x, y}]; taken {
					t.Errorf("%s: panels %q and %q overlap at %d,%d", d.UID, other, p.Title, x, y)
					return
				}
				used[cell{x, y}] = p.Title
			}
		}
	}
}

func TestLayout(t *testing.T) {
	ps := []Panel{
		{Section: "a", Width: 6, Height: 4}, {Section: "a", Width: 12, Height: 6}, // 18 of 24: widened to fill
		{Section: "a", Width: 24, Height: 3}, // its own line
		{Section: "b", Width: 8, Height: 2}, {Section: "b", Width: 8, Height: 2}, {Section: "b", Width: 8, Height: 2}, {Section: "b", Width: 8, Height: 5},
	}
	layout(ps)
	want := [][4]int{{0, 1, 8, 4}, {8, 1, 16, 6}, {0, 7, 24, 3}, {0, 11, 8, 2}, {8, 11, 8, 2}, {16, 11, 8, 2}, {0, 13, 24, 5}}
	for i, p := range ps {
		if got := [4]int{p.X, p.Y, p.Width, p.Height}; got != want[i] {
			t.Errorf("panel %d at %v, want %v", i, got, want[i])
		}
	}
}

func TestColorAt(t *testing.T) {
	p := Panel{Thresholds: up(0.6, 0.7, 0.8)}
	for v, want := range map[float64]string{0.1: "red", 0.6: "orange", 0.65: "orange", 0.7: "yellow", 0.95: "green"} {
		if got := p.ColorAt(v); got != want {
			t.Errorf("ColorAt(%v) = %s, want %s", v, got, want)
		}
	}
	if (Panel{}).ColorAt(1) != "" {
		t.Error("a panel without thresholds has a colour")
	}
}

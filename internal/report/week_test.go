package report

import (
	"testing"
	"time"
)

func TestWeeks(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		in, start string // start: Monday in Shanghai
	}{
		{"2026-W46", "2026-11-09"},
		{"2026-W01", "2025-12-29"}, // 1 January 2026 is a Thursday: week 1 starts in 2025
		{"2026-W53", "2026-12-28"}, // 2026 has 53 weeks
		{"2027W01", "2027-01-04"},
	}
	for _, c := range cases {
		w, err := ParseWeek(c.in, sh)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := w.Start().Format(time.DateOnly); got != c.start {
			t.Errorf("%s starts %s, want %s", c.in, got, c.start)
		}
		if d := w.End().Sub(w.Start()); d != 7*24*time.Hour {
			t.Errorf("%s lasts %s", c.in, d)
		}
		if WeekOf(w.Start()) != w || WeekOf(w.End().Add(-time.Nanosecond)) != w {
			t.Errorf("%s: WeekOf its own range is not itself", c.in)
		}
	}
	for _, bad := range []string{"2025-W53", "2026-W00", "2026-11-09", "W46"} {
		if _, err := ParseWeek(bad, sh); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	w, _ := ParseWeek("2026-W46", sh)
	if got := w.Add(-1).String(); got != "2026-W45" {
		t.Errorf("week before 2026-W46 = %s", got)
	}
	if got := w.Add(7).String(); got != "2026-W53" {
		t.Errorf("7 weeks after 2026-W46 = %s, want 2026-W53", got)
	}
	// Monday 2026-11-16 00:30 in Shanghai is still Sunday in UTC: the zone decides.
	now := time.Date(2026, 11, 15, 16, 30, 0, 0, time.UTC)
	if got := LastComplete(now, sh).String(); got != "2026-W46" {
		t.Errorf("last complete week at %s = %s, want 2026-W46", now, got)
	}
	if got := LastComplete(now, time.UTC).String(); got != "2026-W45" {
		t.Errorf("last complete week in UTC at %s = %s, want 2026-W45", now, got)
	}
}

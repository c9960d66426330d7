package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Week is an ISO 8601 week (Monday to Monday) in a time zone.
type Week struct {
	Year, Num int
	Zone      *time.Location
}

var weekRe = regexp.MustCompile(`^(\d{4})-?W(\d{1,2})$`)

// ParseWeek reads "2026-W46" (or "2026W46") as an ISO week in zone.
func ParseWeek(s string, zone *time.Location) (Week, error) {
	m := weekRe.FindStringSubmatch(s)
	if m == nil {
		return Week{}, fmt.Errorf("week %q: want an ISO week such as 2026-W46", s)
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	w := Week{Year: y, Num: n, Zone: zone}
	if n < 1 || n > 53 {
		return Week{}, fmt.Errorf("week %q: week number must be 1..53", s)
	}
	if got := WeekOf(w.Start()); got.Num != n {
		return Week{}, fmt.Errorf("week %q: %d has no week %d", s, y, n)
	}
	return w, nil
}

// WeekOf is the ISO week that contains t, in t's location.
func WeekOf(t time.Time) Week {
	y, n := t.ISOWeek()
	return Week{Year: y, Num: n, Zone: t.Location()}
}

// LastComplete is the latest week that has ended by now, in zone.
func LastComplete(now time.Time, zone *time.Location) Week {
	return WeekOf(now.In(zone)).Add(-1)
}

// String is "2026-W46".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Start is Monday 00:00 of the week in its zone.
func (w Week) Start() time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, w.Zone)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w.Num-1))
}

// End is the next Monday 00:00: the week is [Start, End).
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

// Add returns the week n weeks later (earlier for negative n).
func (w Week) Add(n int) Week { return WeekOf(w.Start().AddDate(0, 0, 7*n+3)) }

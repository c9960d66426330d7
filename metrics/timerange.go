package metrics

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var isoWeek = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseWeek returns the half-open range of ISO week "2026-W45" in zone:
// Monday 00:00 to the next Monday 00:00.
func ParseWeek(s string, zone *time.Location) (from, to time.Time, err error) {
	if zone == nil {
		zone = DefaultZone
	}
	m := isoWeek.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("week %q: want an ISO week like 2026-W45", s)
	}
	year, _ := strconv.Atoi(m[1])
	week, _ := strconv.Atoi(m[2])
	// ISO week 1 holds January 4th; its Monday starts the ISO year.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, zone)
	monday1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	from = monday1.AddDate(0, 0, 7*(week-1))
	if y, w := from.ISOWeek(); week < 1 || y != year || w != week {
		return time.Time{}, time.Time{}, fmt.Errorf("week %q: %d has no ISO week %d", s, year, week)
	}
	return from, from.AddDate(0, 0, 7), nil
}

// WeekOf returns the ISO week label ("2026-W45") of t in zone.
func WeekOf(t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = DefaultZone
	}
	y, w := t.In(zone).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

var timeLayouts = []string{time.DateOnly, "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// ParseTime reads a date (2026-11-02, midnight in zone), a local date-time
// (2026-11-02T10:00[:00], in zone) or an RFC 3339 time with its own offset.
func ParseTime(s string, zone *time.Location) (time.Time, error) {
	if zone == nil {
		zone = DefaultZone
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want a date 2026-11-02, a local time 2026-11-02T10:00 or RFC 3339 2026-11-02T10:00:00+08:00", s)
}

// ParseRange gives the half-open range from --from/--to or --week (exactly
// one of the two forms).
func ParseRange(from, to, week string, zone *time.Location) (time.Time, time.Time, error) {
	switch {
	case week != "" && (from != "" || to != ""):
		return time.Time{}, time.Time{}, fmt.Errorf("give either --week or --from/--to, not both")
	case week != "":
		return ParseWeek(week, zone)
	case from == "" || to == "":
		return time.Time{}, time.Time{}, fmt.Errorf("give a range: --from DATE --to DATE (half-open: to is excluded) or --week 2026-W45")
	}
	f, err := ParseTime(from, zone)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("--from: %w", err)
	}
	t, err := ParseTime(to, zone)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("--to: %w", err)
	}
	if !f.Before(t) {
		return time.Time{}, time.Time{}, fmt.Errorf("--from %s is not before --to %s (the range is half-open [from, to))", from, to)
	}
	return f, t, nil
}

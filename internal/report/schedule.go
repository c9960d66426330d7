package report

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Schedule is a weekly time of day, e.g. monday@09:00, in a zone.
type Schedule struct {
	Weekday      time.Weekday
	Hour, Minute int
	Zone         *time.Location
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseSchedule reads WEEKDAY@HH:MM ("monday@09:00", "mon@9:30").
func ParseSchedule(s string, zone *time.Location) (Schedule, error) {
	day, clock, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "@")
	wd, known := weekdays[day]
	if !ok || !known {
		return Schedule{}, fmt.Errorf("schedule %q: want WEEKDAY@HH:MM, e.g. monday@09:00", s)
	}
	hh, mm, ok := strings.Cut(clock, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return Schedule{}, fmt.Errorf("schedule %q: time of day must be HH:MM between 00:00 and 23:59", s)
	}
	return Schedule{Weekday: wd, Hour: h, Minute: m, Zone: zone}, nil
}

// String is "monday@09:00".
func (s Schedule) String() string {
	return fmt.Sprintf("%s@%02d:%02d", strings.ToLower(s.Weekday.String()), s.Hour, s.Minute)
}

// Next is the first scheduled time strictly after t.
func (s Schedule) Next(t time.Time) time.Time {
	t = t.In(s.Zone)
	for d := 0; d <= 7; d++ {
		day := t.AddDate(0, 0, d)
		at := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, s.Minute, 0, 0, s.Zone)
		if at.Weekday() == s.Weekday && at.After(t) {
			return at
		}
	}
	panic("unreachable: a weekday recurs within 8 days")
}

// Clock is the time source of RunEvery; tests replace it.
type Clock struct {
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// RealClock uses the wall clock.
var RealClock = Clock{Now: time.Now, Sleep: func(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}}

// RunEvery calls write for the last complete week at once if done says it
// has not been written (catching up after a restart or a missed run), then
// at every scheduled time for the week that has just closed, until ctx ends.
// A failed write is logged and retried at the next scheduled time.
func RunEvery(ctx context.Context, s Schedule, clock Clock, done func(Week) bool, write func(context.Context, Week) error, log *slog.Logger) error {
	run := func(w Week) {
		if err := write(ctx, w); err != nil && ctx.Err() == nil {
			log.Error("weekly report failed; will try again at the next scheduled time", "week", w.String(), "err", err)
		}
	}
	if w := LastComplete(clock.Now(), s.Zone); !done(w) {
		run(w)
	}
	for {
		now := clock.Now()
		next := s.Next(now)
		log.Info("next weekly report", "at", next.Format(time.RFC3339), "schedule", s.String())
		if err := clock.Sleep(ctx, next.Sub(now)); err != nil {
			return nil // interrupted: a clean stop
		}
		if now := clock.Now(); now.Before(next) {
			continue // woke early (clock change): sleep again
		}
		run(LastComplete(next, s.Zone))
	}
}

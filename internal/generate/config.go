package generate

import (
	"errors"
	"fmt"
	"time"
)

// Shanghai is the fixed +08:00 zone every generated timestamp is written in.
var Shanghai = time.FixedZone("CST", 8*3600)

// Config says what history to generate. The same Config (and Seed) always
// yields byte-identical events.
type Config struct {
	Days           int       // days of history
	ContactsPerDay int       // average contacts (chats and calls) per day, repeats included
	Start          time.Time // first day, midnight in Shanghai
	Seed           uint64
	// EmergingIssue plants a firmware update that breaks the remote of
	// EmergingModel from day EmergingFromDay (0-based), growing daily.
	EmergingIssue   bool
	EmergingModel   string
	EmergingFromDay int
	// MalformedRate is the share (0..0.5) of emitted messages that are bad on purpose.
	MalformedRate float64
}

// DefaultConfig is four weeks of 20,000 contacts a day from Monday 2026-10-26.
func DefaultConfig() Config {
	return Config{
		Days:            28,
		ContactsPerDay:  20000,
		Start:           time.Date(2026, 10, 26, 0, 0, 0, 0, Shanghai),
		Seed:            1,
		EmergingIssue:   true,
		EmergingModel:   Products[0].Model,
		EmergingFromDay: 14,
	}
}

// Validate reports a configuration error.
func (c Config) Validate() error {
	var errs []error
	if c.Days < 1 {
		errs = append(errs, fmt.Errorf("days must be at least 1, got %d", c.Days))
	}
	if c.ContactsPerDay < 1 || c.ContactsPerDay > 900_000 {
		errs = append(errs, fmt.Errorf("contacts per day must be in 1..900000, got %d", c.ContactsPerDay))
	}
	if c.Start.IsZero() {
		errs = append(errs, errors.New("start date is required"))
	}
	if c.MalformedRate < 0 || c.MalformedRate > 0.5 {
		errs = append(errs, fmt.Errorf("malformed rate must be in 0..0.5, got %g", c.MalformedRate))
	}
	if c.EmergingIssue {
		found := false
		for _, p := range Products {
			found = found || p.Model == c.EmergingModel
		}
		if !found {
			errs = append(errs, fmt.Errorf("emerging-issue model %q is not a known product", c.EmergingModel))
		}
	}
	return errors.Join(errs...)
}

// ParseStart parses a YYYY-MM-DD start date as midnight in Shanghai.
func ParseStart(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("start date %q: want YYYY-MM-DD: %w", s, err)
	}
	return t, nil
}

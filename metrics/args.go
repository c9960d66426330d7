package metrics

import (
	"fmt"
	"strings"
	"time"
)

// Args are a metrics query in words: what `voc metrics` takes as flags and
// voc serve's /api/metrics as URL parameters. One parser for both, so the
// same arguments give the same Query and so the same output.
type Args struct {
	Names    string   // comma-separated metric names
	From, To string   // dates or times in Zone, or RFC 3339; half-open
	Week     string   // ISO week instead of From/To, e.g. 2026-W45
	Zone     string   // IANA zone; default DefaultZone
	By       string   // comma-separated dimensions
	Now      string   // evaluation time; empty: now
	Limit    int      // rows of ranked metrics
	Filters  []string // DIM=V1[,V2...], repeatable; values of one dimension add up
	Params   []string // NAME=VALUE, repeatable
}

// Query parses the arguments.
func (a Args) Query() (Query, error) {
	zoneName := a.Zone
	if zoneName == "" {
		zoneName = DefaultZone.String()
	}
	zone, err := time.LoadLocation(zoneName)
	if err != nil {
		return Query{}, fmt.Errorf("zone %q: %w", zoneName, err)
	}
	from, to, err := ParseRange(a.From, a.To, a.Week, zone)
	if err != nil {
		return Query{}, err
	}
	q := Query{Metrics: SplitList(a.Names), From: from, To: to, Zone: zone, By: SplitList(a.By), Limit: a.Limit}
	if a.Now != "" {
		if q.Now, err = ParseTime(a.Now, zone); err != nil {
			return q, fmt.Errorf("now: %w", err)
		}
	}
	for _, p := range a.Params {
		k, v, err := keyValue(p)
		if err != nil {
			return q, fmt.Errorf("param %w", err)
		}
		if q.Params == nil {
			q.Params = map[string]string{}
		}
		q.Params[k] = v
	}
	for _, f := range a.Filters {
		k, v, err := keyValue(f)
		if err != nil {
			return q, fmt.Errorf("filter %w", err)
		}
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters[k] = append(q.Filters[k], SplitList(v)...)
	}
	return q, nil
}

func keyValue(s string) (string, string, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return "", "", fmt.Errorf("%q: want NAME=VALUE", s)
	}
	return strings.TrimSpace(k), strings.TrimSpace(v), nil
}

// SplitList splits a comma-separated list, dropping blanks.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// fmtValue shows a metric value in its unit.
func fmtValue(v *float64, unit string) string {
	if v == nil || math.IsNaN(*v) {
		return "–"
	}
	x := *v
	switch unit {
	case "ratio":
		return strconv.FormatFloat(x*100, 'f', 1, 64) + "%"
	case "seconds":
		return fmtDuration(x)
	case "count":
		return fmtCount(x)
	case "nps":
		return fmt.Sprintf("%+.1f", x)
	case "index":
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

// fmtChange shows a change in the unit's natural terms: percentage points for
// ratios, relative change for counts and durations.
func fmtChange(h Headline) string {
	if h.Change == nil {
		return "–"
	}
	c := *h.Change
	switch h.Unit {
	case "ratio":
		return fmt.Sprintf("%+.1f pp", c*100)
	case "count", "seconds":
		if h.ChangePct != nil {
			return fmt.Sprintf("%+.1f%%", *h.ChangePct*100)
		}
		if h.Unit == "seconds" {
			return signed(fmtDuration(math.Abs(c)), c)
		}
		return fmt.Sprintf("%+.0f", c)
	case "nps", "index":
		return fmt.Sprintf("%+.1f", c)
	default:
		return fmt.Sprintf("%+.2f", c)
	}
}

func signed(s string, x float64) string {
	if x < 0 {
		return "−" + s
	}
	return "+" + s
}

func fmtDuration(sec float64) string {
	switch {
	case sec < 90:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 3600:
		return fmt.Sprintf("%.1f min", sec/60)
	default:
		return fmt.Sprintf("%.1f h", sec/3600)
	}
}

func fmtCount(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtPct(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }

func fmtPctPtr(x *float64) string {
	if x == nil {
		return "–"
	}
	return fmtPct(*x)
}

func fmtSigned(x float64) string { return fmt.Sprintf("%+.0f", x) }

func fmtChangePct(x *float64) string {
	if x == nil {
		return "new"
	}
	return fmt.Sprintf("%+.0f%%", *x*100)
}

func fmtFloat(x *float64, digits int) string {
	if x == nil {
		return "–"
	}
	return strconv.FormatFloat(*x, 'f', digits, 64)
}

func fmtRatio(r *float64) string {
	if r == nil {
		return "new"
	}
	return strconv.FormatFloat(*r, 'f', 1, 64) + "×"
}

// arrow is the trend's symbol.
func arrow(trend string) string {
	switch trend {
	case "up":
		return "▲"
	case "down":
		return "▼"
	case "flat":
		return "▶"
	}
	return "·"
}

// sparkChars draws a series as Unicode block characters (Markdown).
func sparkChars(ws []WeekCount) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, w := range ws {
		lo, hi = math.Min(lo, w.Contacts), math.Max(hi, w.Contacts)
	}
	var b strings.Builder
	for _, w := range ws {
		i := len(blocks) / 2
		if hi > lo {
			i = int(math.Round((w.Contacts - lo) / (hi - lo) * float64(len(blocks)-1)))
		}
		b.WriteRune(blocks[i])
	}
	return b.String()
}

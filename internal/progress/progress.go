// Package progress shows how far a long task is: a bar with counts, rate and
// ETA (github.com/vbauerster/mpb/v8) when the output is a terminal, and a
// log line every few seconds otherwise (CI, files, pipes), so long work is
// never silent and logs are never full of escape codes.
package progress

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// IsTerminal reports whether w is a character device.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Tracker follows one task. Update it from one goroutine.
type Tracker struct {
	name  string
	unit  string // what is counted: rows, events, ...
	log   *slog.Logger
	every time.Duration
	fmt   func(int64) string

	mu     sync.Mutex
	done   int64
	total  int64
	extra  string
	began  time.Time
	logged time.Time

	p   *mpb.Progress
	bar *mpb.Bar
}

// Options configure a tracker.
type Options struct {
	Total    int64              // 0 when unknown
	Unit     string             // default "items"
	LogEvery time.Duration      // log-line interval without a terminal; default 5 s
	Format   func(int64) string // how counts are shown (Count, Bytes); default Count
}

// New starts a tracker writing a bar to w when w is a terminal, log lines to
// log otherwise.
func New(ctx context.Context, w io.Writer, log *slog.Logger, name string, opt Options) *Tracker {
	if opt.Unit == "" {
		opt.Unit = "items"
	}
	if opt.LogEvery <= 0 {
		opt.LogEvery = 5 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.Format == nil {
		opt.Format = Count
	}
	t := &Tracker{name: name, unit: opt.Unit, log: log, every: opt.LogEvery, fmt: opt.Format, total: opt.Total, began: time.Now()}
	t.logged = t.began
	if IsTerminal(w) {
		t.p = mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(100), mpb.WithRefreshRate(150*time.Millisecond))
		t.bar = t.p.New(opt.Total, mpb.BarStyle().Lbound("[").Rbound("]"),
			mpb.PrependDecorators(decor.Name(name+" ", decor.WCSyncSpaceR), decor.Any(t.counts, decor.WCSyncSpace)),
			mpb.AppendDecorators(decor.Any(t.rateETA, decor.WCSyncSpace), decor.Any(func(decor.Statistics) string { return t.extraText() })),
		)
	}
	return t
}

// Update sets the count done, the total (0 keeps the previous one) and an
// extra text shown after the rate (bytes, current file, ...).
func (t *Tracker) Update(done, total int64, extra string) {
	t.mu.Lock()
	t.done, t.extra = done, extra
	if total > 0 {
		t.total = total
	}
	total = t.total
	now := time.Now()
	logNow := t.bar == nil && now.Sub(t.logged) >= t.every
	if logNow {
		t.logged = now
	}
	t.mu.Unlock()
	if t.bar != nil {
		if total > 0 {
			t.bar.SetTotal(total, false)
		}
		t.bar.SetCurrent(done)
	}
	if logNow {
		t.logLine("progress")
	}
}

// Done completes the bar (or logs the final line).
func (t *Tracker) Done() {
	if t.bar != nil {
		t.bar.SetTotal(-1, true)
		t.p.Wait()
		return
	}
	t.logLine("done")
}

// Abort stops the bar where it is, leaving it on screen.
func (t *Tracker) Abort() {
	if t.bar != nil {
		t.bar.Abort(false)
		t.p.Wait()
	}
}

func (t *Tracker) logLine(msg string) {
	t.mu.Lock()
	done, total, extra := t.done, t.total, t.extra
	elapsed := time.Since(t.began)
	t.mu.Unlock()
	attrs := []any{"task", t.name, t.unit, done, "per_s", rate(done, elapsed), "elapsed", elapsed.Round(time.Second).String()}
	if total > 0 {
		attrs = append(attrs, "total", total, "pct", fmt.Sprintf("%.1f", 100*float64(done)/float64(total)))
		if eta := eta(done, total, elapsed); eta > 0 {
			attrs = append(attrs, "eta", eta.Round(time.Second).String())
		}
	}
	if extra != "" {
		attrs = append(attrs, "detail", extra)
	}
	t.log.Info(t.name+" "+msg, attrs...)
}

func (t *Tracker) counts(decor.Statistics) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	unit := " " + t.unit
	if t.unit == "bytes" {
		unit = "" // Bytes says it
	}
	if t.total > 0 {
		return fmt.Sprintf("%s/%s%s", t.fmt(t.done), t.fmt(t.total), unit)
	}
	return t.fmt(t.done) + unit
}

func (t *Tracker) rateETA(decor.Statistics) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	elapsed := time.Since(t.began)
	s := t.fmt(int64(rate(t.done, elapsed))) + "/s"
	if t.unit != "bytes" {
		s = fmt.Sprintf("%s %s/s", t.fmt(int64(rate(t.done, elapsed))), t.unit)
	}
	if e := eta(t.done, t.total, elapsed); e > 0 {
		s += " ETA " + e.Round(time.Second).String()
	}
	return s
}

func (t *Tracker) extraText() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.extra
}

func rate(done int64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(done) / elapsed.Seconds()
}

func eta(done, total int64, elapsed time.Duration) time.Duration {
	if done <= 0 || total <= done {
		return 0
	}
	return time.Duration(float64(elapsed) * float64(total-done) / float64(done))
}

// Count formats n with thousands separators: 1,234,567.
func Count(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Bytes formats n as KB/MB/GB (powers of 1024).
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

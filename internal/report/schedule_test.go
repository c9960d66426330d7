package report

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	s, err := ParseSchedule("Monday@09:00", sh)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ now, next string }{
		{"2026-11-15T12:00:00+08:00", "2026-11-16T09:00:00+08:00"}, // Sunday
		{"2026-11-16T08:59:59+08:00", "2026-11-16T09:00:00+08:00"},
		{"2026-11-16T09:00:00+08:00", "2026-11-23T09:00:00+08:00"}, // exactly at: the next one
		{"2026-11-16T01:30:00Z", "2026-11-23T09:00:00+08:00"},      // 09:30 in Shanghai: this Monday's run has passed
		{"2026-11-15T23:00:00Z", "2026-11-16T09:00:00+08:00"},      // Sunday in UTC, Monday 07:00 in Shanghai
	}
	for _, c := range cases {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.next)
		if got := s.Next(now); !got.Equal(want) {
			t.Errorf("Next(%s) = %s, want %s", c.now, got, want)
		}
	}
	for _, bad := range []string{"monday", "funday@09:00", "monday@25:00", "monday@9", "@09:00"} {
		if _, err := ParseSchedule(bad, sh); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
	if s.String() != "monday@09:00" {
		t.Errorf("String() = %s", s)
	}
}

// TestRunEvery drives the loop with a fake clock from Sunday 2026-11-15
// noon: it catches up on W45 at once, writes W46 on Monday 16 November at
// 09:00 and W47 a week later.
func TestRunEvery(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	s, _ := ParseSchedule("monday@09:00", sh)
	now := time.Date(2026, 11, 15, 12, 0, 0, 0, sh)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var slept []time.Time
	clock := Clock{
		Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			now = now.Add(d)
			slept = append(slept, now)
			if len(slept) > 2 {
				cancel()
				return ctx.Err()
			}
			return nil
		},
	}
	var written []string
	write := func(_ context.Context, w Week) error {
		written = append(written, w.String()+"@"+now.Format("01-02T15:04"))
		if w.Num == 46 {
			return errors.New("ClickHouse down") // logged, loop goes on
		}
		return nil
	}
	done := func(w Week) bool { return false }
	if err := RunEvery(ctx, s, clock, done, write, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-W45@11-15T12:00", "2026-W46@11-16T09:00", "2026-W47@11-23T09:00"}
	if len(written) != len(want) {
		t.Fatalf("written %v, want %v", written, want)
	}
	for i := range want {
		if written[i] != want[i] {
			t.Errorf("run %d = %s, want %s", i, written[i], want[i])
		}
	}
}

package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// checkViewsExact compares the analyst views with the totals of s.
func checkViewsExact(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	checks := []struct {
		q    string
		want int
	}{
		{"SELECT count() FROM contacts", s.Contacts},
		{"SELECT sum(transfers) FROM contacts", s.Transfers},
		{"SELECT count() FROM messages FINAL", s.Messages},
		{"SELECT count() FROM tickets", s.Tickets},
		{"SELECT count() FROM survey_answers", s.Surveys},
		{"SELECT sum(csat) FROM survey_answers", s.CSATSum},
		{"SELECT sum(endorsements) FROM suggestion_posts", s.Votes},
	}
	for _, c := range checks {
		var got uint64
		if err := db.Conn.QueryRow(context.Background(), c.q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if got != uint64(c.want) {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}

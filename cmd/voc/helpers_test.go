package main

import (
	"context"
	"fmt"
	"testing"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// produce writes msgs to the broker at addr and waits for every acknowledgement.
func produce(t *testing.T, addr string, msgs []kafkago.Message) {
	t.Helper()
	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{addr}, BatchSize: 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatalf("produce %d messages: %v", len(msgs), err)
	}
}

// checkViewsExact compares the analyst views with the totals of s.
func checkViewsExact(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	for _, c := range s.ExactChecks() {
		var got uint64
		if err := db.Conn.QueryRow(context.Background(), c.Query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.Query, err)
		}
		if got != c.Want {
			t.Errorf("%s = %d, want %d", c.Query, got, c.Want)
		}
	}
}

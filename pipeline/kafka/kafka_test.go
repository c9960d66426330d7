package kafka_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/kafkalocal"
	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/kafka"
)

func broker(t *testing.T) *kafkalocal.Broker {
	t.Helper()
	b, err := kafkalocal.Start(kafkalocal.Config{Partitions: 1, Topics: []string{pipeline.TopicChats, pipeline.TopicDLQ}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func produceN(t *testing.T, addr string, n int) {
	t.Helper()
	w, err := kafka.NewProducer(kafka.ProducerConfig{Brokers: []string{addr}, Topic: pipeline.TopicChats, BatchTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	msgs := make([]kafkago.Message, n)
	for i := range msgs {
		msgs[i] = kafkago.Message{Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i))}
	}
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

func source(t *testing.T, addr string) *kafka.Source {
	t.Helper()
	s, err := kafka.NewSource(kafka.SourceConfig{Brokers: []string{addr}, GroupID: "g", Topics: []string{pipeline.TopicChats}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fetch(t *testing.T, s *kafka.Source, n int) []pipeline.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []pipeline.Message
	for range n {
		m, err := s.Fetch(ctx)
		if err != nil {
			t.Fatalf("fetch %d of %d: %v", len(out)+1, n, err)
		}
		out = append(out, m)
	}
	return out
}

// TestSourceCommitsThePartitionsHighestOffset: Fetch returns messages in
// order with their end offset; Commit takes, per partition, the highest
// message given whatever the order, and a new member of the group resumes
// after it — nothing committed is fetched again, nothing after it is lost.
func TestSourceCommitsThePartitionsHighestOffset(t *testing.T) {
	b := broker(t)
	produceN(t, b.Addr, 10)
	s := source(t, b.Addr)
	got := fetch(t, s, 6)
	for i, m := range got {
		if m.Offset != int64(i) || string(m.Key) != fmt.Sprintf("k%d", i) || string(m.Value) != fmt.Sprintf("v%d", i) || m.HighWaterMark != 10 {
			t.Fatalf("message %d: %+v", i, m)
		}
	}
	if err := s.Commit(context.Background(), []pipeline.Message{got[4], got[1], got[3]}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := source(t, b.Addr)
	defer s2.Close()
	if m := fetch(t, s2, 1)[0]; m.Offset != 5 {
		t.Fatalf("after committing offset 4 the group resumed at %d, want 5", m.Offset)
	}
}

// TestSourceNeedsBrokersAndGroup: a source without brokers or group is an
// error at construction, not a hang at the first fetch.
func TestSourceNeedsBrokersAndGroup(t *testing.T) {
	for _, cfg := range []kafka.SourceConfig{{GroupID: "g"}, {Brokers: []string{"127.0.0.1:9092"}}} {
		if _, err := kafka.NewSource(cfg); err == nil {
			t.Errorf("NewSource(%+v) accepted", cfg)
		}
	}
}

// TestDeadLettersKeepMessageAndProvenance: a dead letter is the original
// key and bytes, with reason, field, detail, topic, partition and offset in
// headers.
func TestDeadLettersKeepMessageAndProvenance(t *testing.T) {
	b := broker(t)
	dlq, err := kafka.NewDeadLetters([]string{b.Addr}, pipeline.TopicDLQ)
	if err != nil {
		t.Fatal(err)
	}
	rec := pipeline.Record{
		Msg:    pipeline.Message{Topic: pipeline.TopicChats, Partition: 3, Offset: 1234, Key: []byte("c-1"), Value: []byte(`{"bad":`)},
		Reject: &pipeline.RejectError{Reason: pipeline.ReasonInvalidJSON, Field: "", Detail: "unexpected end of JSON input"},
	}
	if err := dlq.Send(context.Background(), []pipeline.Record{rec}); err != nil {
		t.Fatal(err)
	}
	if err := dlq.Close(); err != nil {
		t.Fatal(err)
	}
	r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{b.Addr}, Topic: pipeline.TopicDLQ, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m, err := r.ReadMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, x := range m.Headers {
		h[x.Key] = string(x.Value)
	}
	want := map[string]string{"voc-reason": "invalid_json", "voc-field": "", "voc-detail": "unexpected end of JSON input",
		"voc-topic": pipeline.TopicChats, "voc-partition": "3", "voc-offset": "1234"}
	for k, v := range want {
		if got, ok := h[k]; !ok || got != v {
			t.Errorf("header %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if string(m.Key) != "c-1" || string(m.Value) != `{"bad":` {
		t.Errorf("dead letter key %q value %q, want the original", m.Key, m.Value)
	}
}

// TestDeadLettersSendFailsLoudly: when the broker is unreachable Send
// returns an error that names the topic (the runner then retries and does
// not commit), within the caller's deadline.
func TestDeadLettersSendFailsLoudly(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here any more
	dlq, err := kafka.NewDeadLetters([]string{addr}, pipeline.TopicDLQ)
	if err != nil {
		t.Fatal(err)
	}
	defer dlq.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := pipeline.Record{Msg: pipeline.Message{Topic: pipeline.TopicChats, Value: []byte("x")}, Reject: &pipeline.RejectError{Reason: pipeline.ReasonInvalidJSON}}
	err = dlq.Send(ctx, []pipeline.Record{rec})
	if err == nil || !strings.Contains(err.Error(), pipeline.TopicDLQ) {
		t.Fatalf("Send to an unreachable broker = %v, want an error naming %s", err, pipeline.TopicDLQ)
	}
}

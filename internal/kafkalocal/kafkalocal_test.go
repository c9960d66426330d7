package kafkalocal

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/goleak"

	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

func TestBrokerTopicsAndRoundTrip(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	b, err := Start(Config{Partitions: 3, Topics: []string{"voc.chats", "voc.dlq"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	conn, err := kafka.Dial("tcp", b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := conn.ReadPartitions("voc.chats", "voc.dlq")
	conn.Close()
	if err != nil || len(parts) != 6 {
		t.Fatalf("got %d partitions (%v), want 3 per topic", len(parts), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{b.Addr}, Topic: "voc.chats"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{b.Addr}, GroupID: "g", Topic: "voc.chats", MaxWait: 100 * time.Millisecond})
	m, err := r.ReadMessage(ctx)
	r.Close()
	if err != nil || string(m.Value) != "v" {
		t.Fatalf("read %q, %v", m.Value, err)
	}

	// A third-party client (librdkafka's kcat) sees the topics too. kcat is
	// a test dependency (.ci/run installs it): missing, the test fails
	// rather than pass without this check.
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatalf("kcat is needed for the third-party client check: apt-get install -y kcat (%v)", err)
	}
	out, err := exec.CommandContext(ctx, "kcat", "-L", "-b", b.Addr).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `topic "voc.dlq" with 3 partitions`) {
		t.Fatalf("kcat -L: %v\n%s", err, out)
	}
	// And reads back what kafka-go wrote, key and value.
	out, err = exec.CommandContext(ctx, "kcat", "-C", "-b", b.Addr, "-t", "voc.chats", "-o", "beginning", "-e", "-q", "-f", `%k=%s\n`).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "k=v" {
		t.Fatalf("kcat -C: %v, got %q, want \"k=v\"", err, out)
	}
}

func TestPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Start(Config{Port: l.Addr().(*net.TCPAddr).Port})
	if err == nil || !strings.Contains(err.Error(), "--kafka-port") {
		t.Fatalf("err = %v, want advice on --kafka-port", err)
	}
}

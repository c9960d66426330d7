package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

// TestRunServesOpsEndpointsAndLogsJSON runs the voc binary as an operator
// would: /healthz and /readyz answer, /metrics has every instrument the
// runbook names with the right counts, every log line is JSON, and SIGTERM
// ends the process with status 0.
func TestRunServesOpsEndpointsAndLogsJSON(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(20)
	msgs := testevents.Messages(s.Events)
	msgs = append(msgs, kafkago.Message{Topic: pipeline.TopicSurveys, Key: []byte("s1"), Value: []byte(`{"event_id":`)})
	produce(t, broker.Addr, msgs)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logPath := filepath.Join(t.TempDir(), "run.log")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	logs := func() []byte { b, _ := os.ReadFile(logPath); return b }
	cmd := exec.Command(vocBin, "run", "--clickhouse", db.DSN(), "--brokers", broker.Addr,
		"--no-migrate", "--batch-size", "100", "--flush-interval", "100ms", "--http-addr", addr, "--log-format", "json", "--enrich", "none")
	cmd.Env = append(cmd.Environ(), db.PasswordEnv())
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	consumed := "voc_events_consumed_total{topic=\"voc.chats\"} " + itoa(countTopic(msgs, pipeline.TopicChats))
	written := "voc_events_written_total{topic=\"voc.tickets\"} " + itoa(countTopic(msgs, pipeline.TopicTickets))
	var metrics string
	for deadline := time.Now().Add(time.Minute); ; {
		code, body := get("/metrics")
		if code == http.StatusOK && strings.Contains(body, consumed) && strings.Contains(body, written) && strings.Contains(body, `voc_events_rejected_total{reason="invalid_json",topic="voc.surveys"} 1`) {
			metrics = body
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %q, %q and the reject (status %d):\n%s\nlogs:\n%s", consumed, written, code, tail([]byte(body), 3000), tail(logs(), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{
		"voc_batch_size_count", "voc_flush_duration_seconds_bucket", `voc_consumer_lag{partition="0",topic="voc.chats"}`,
		"voc_clickhouse_insert_errors_total 0", "voc_committed_offset", "voc_flushes_total", "go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(path); code != http.StatusOK {
			t.Errorf("%s = %d %s", path, code, body)
		}
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("voc run after SIGTERM: %v\n%s", err, tail(logs(), 2000))
	}
	sc := bufio.NewScanner(bytes.NewReader(logs()))
	lines := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("log line is not slog JSON: %s", sc.Text())
		}
		lines++
	}
	if lines == 0 {
		t.Error("voc run logged nothing")
	}
	for _, c := range s.ExactChecks() {
		if strings.Contains(c.Query, "rejects") {
			c.Want = 1 // the truncated survey
		}
		var got uint64
		if err := db.Conn.QueryRow(context.Background(), c.Query).Scan(&got); err != nil || got != c.Want {
			t.Errorf("%s = %d (%v), want %d", c.Query, got, err, c.Want)
		}
	}
}

func countTopic(msgs []kafkago.Message, topic string) int {
	n := 0
	for _, m := range msgs {
		if m.Topic == topic {
			n++
		}
	}
	return n
}

func itoa(n int) string { return sprintf("%d", n) }

package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/voc-analytics/voc/pipeline"
)

// summaryLine is a topic's line of the summary voc generate prints:
// "voc.chats   1333   57" (events, malformed).
var summaryLine = regexp.MustCompile(`(?m)^(voc\.\w+)\s+(\d+)\s+(\d+)$`)

// printedCounts returns, per topic, the messages (events + malformed) the
// summary says were written.
func printedCounts(t *testing.T, stdout string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, m := range summaryLine.FindAllStringSubmatch(stdout, -1) {
		ev, _ := strconv.Atoi(m[2])
		bad, _ := strconv.Atoi(m[3])
		got[m[1]] = ev + bad
	}
	if len(got) != len(pipeline.InputTopics) {
		t.Fatalf("summary names %d topics, want %d:\n%s", len(got), len(pipeline.InputTopics), stdout)
	}
	return got
}

// brokerCounts returns the number of messages in each input topic.
func brokerCounts(t *testing.T, addr string) map[string]int {
	t.Helper()
	client := &kafkago.Client{Addr: kafkago.TCP(addr), Timeout: 10 * time.Second}
	req := &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{}}
	for _, topic := range pipeline.InputTopics {
		for p := range 4 {
			req.Topics[topic] = append(req.Topics[topic], kafkago.LastOffsetOf(p))
		}
	}
	resp, err := client.ListOffsets(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for topic, parts := range resp.Topics {
		for _, p := range parts {
			if p.Error != nil {
				t.Fatalf("list offsets %s/%d: %v", topic, p.Partition, p.Error)
			}
			got[topic] += int(p.LastOffset)
		}
	}
	return got
}

// fileCounts returns the lines of each topic's JSONL file in dir.
func fileCounts(t *testing.T, dir string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, topic := range pipeline.InputTopics {
		b, err := os.ReadFile(filepath.Join(dir, topic+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		got[topic] = bytes.Count(b, []byte("\n"))
	}
	return got
}

// TestGenerateCommand runs voc generate in-process. Each case writes to its
// own directory or its own broker, and what the summary says it wrote is
// checked against what the files or the broker hold. An empty want means
// the stream must stay empty.
func TestGenerateCommand(t *testing.T) {
	cases := []struct {
		name     string
		args     []string // "{dir}" and "{brokers}" are replaced
		env      map[string]string
		wantCode int
		wantOut  string // in stdout; "" = stdout empty
		wantErr  string // in stderr; "" = stderr empty
		sink     string // where the messages must be: "jsonl", "kafka" or ""
		malform  bool   // some messages are malformed
	}{
		{name: "jsonl", args: []string{"--days", "1", "--contacts-per-day", "300", "--to", "jsonl", "--out", "{dir}"}, wantOut: "contact.started", sink: "jsonl"},
		{name: "jsonl with malformed", args: []string{"--days", "1", "--contacts-per-day", "200", "--to", "jsonl", "--out", "{dir}", "--malformed-rate", "0.05"}, wantOut: "malformed", sink: "jsonl", malform: true},
		{name: "kafka flag", args: []string{"--days", "1", "--contacts-per-day", "200", "--brokers", "{brokers}"}, wantOut: "voc.suggestions", sink: "kafka"},
		{name: "kafka env", args: []string{"--days", "1", "--contacts-per-day", "100"}, env: map[string]string{"VOC_KAFKA_BROKERS": "{brokers}"}, wantOut: "total", sink: "kafka"},
		{name: "jsonl needs out", args: []string{"--to", "jsonl"}, wantCode: 1, wantErr: "--out"},
		{name: "unknown output", args: []string{"--to", "csv"}, wantCode: 1, wantErr: "want kafka, jsonl or clickhouse"},
		{name: "bad start", args: []string{"--start", "26.10.2026", "--to", "jsonl", "--out", "{dir}"}, wantCode: 1, wantErr: "YYYY-MM-DD"},
		{name: "bad malformed rate", args: []string{"--malformed-rate", "2", "--to", "jsonl", "--out", "{dir}"}, wantCode: 1, wantErr: "malformed rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, pipeline.InputTopics...))
			if err != nil {
				t.Fatal(err)
			}
			defer cluster.Close()
			brokers := strings.Join(cluster.ListenAddrs(), ",")
			fill := strings.NewReplacer("{dir}", dir, "{brokers}", brokers).Replace
			var args []string
			for _, a := range c.args {
				args = append(args, fill(a))
			}
			var stdout, stderr bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
				Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
				Getenv: func(k string) string { return fill(c.env[k]) }}
			code := Main(context.Background(), env, append([]string{"generate"}, args...))
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, stderr.String())
			}
			if c.wantOut == "" && stdout.Len() > 0 {
				t.Errorf("stdout should be empty:\n%s", stdout.String())
			} else if !strings.Contains(stdout.String(), c.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", c.wantOut, stdout.String())
			}
			if c.wantErr == "" && stderr.Len() > 0 {
				t.Errorf("stderr should be empty:\n%s", stderr.String())
			} else if !strings.Contains(stderr.String(), c.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErr, stderr.String())
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			inBroker := brokerCounts(t, cluster.ListenAddrs()[0])
			var total int
			for _, n := range inBroker {
				total += n
			}
			switch c.sink {
			case "jsonl":
				if total != 0 {
					t.Errorf("%d messages went to Kafka with --to jsonl", total)
				}
				checkCounts(t, "files", fileCounts(t, dir), printedCounts(t, stdout.String()))
			case "kafka":
				if len(entries) != 0 {
					t.Errorf("files written with --to kafka: %v", entries)
				}
				checkCounts(t, "broker", inBroker, printedCounts(t, stdout.String()))
			default:
				if total != 0 || len(entries) != 0 {
					t.Errorf("a failed run wrote %d messages and %d files", total, len(entries))
				}
			}
			if c.sink != "" {
				malformed := 0
				for _, m := range summaryLine.FindAllStringSubmatch(stdout.String(), -1) {
					n, _ := strconv.Atoi(m[3])
					malformed += n
				}
				if (malformed > 0) != c.malform {
					t.Errorf("%d malformed messages, want some: %v", malformed, c.malform)
				}
			}
		})
	}
}

func checkCounts(t *testing.T, where string, got, printed map[string]int) {
	t.Helper()
	for _, topic := range pipeline.InputTopics {
		if got[topic] == 0 || got[topic] != printed[topic] {
			t.Errorf("%s hold %d messages of %s, the summary says %d", where, got[topic], topic, printed[topic])
		}
	}
}

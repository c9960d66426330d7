package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/voc-analytics/voc/pipeline"
)

func TestGenerateCommand(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, pipeline.InputTopics...))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
		files    bool   // jsonl files in dir
	}{
		{name: "jsonl", args: []string{"--days", "1", "--contacts-per-day", "300", "--to", "jsonl", "--out", dir}, wantOut: "contact.started", files: true},
		{name: "jsonl with malformed", args: []string{"--days", "1", "--contacts-per-day", "200", "--to", "jsonl", "--out", dir, "--malformed-rate", "0.05"}, wantOut: "malformed", files: true},
		{name: "kafka flag", args: []string{"--days", "1", "--contacts-per-day", "200", "--brokers", brokers}, wantOut: "voc.suggestions"},
		{name: "kafka env", args: []string{"--days", "1", "--contacts-per-day", "100"}, env: map[string]string{"VOC_KAFKA_BROKERS": brokers}, wantOut: "total"},
		{name: "jsonl needs out", args: []string{"--to", "jsonl"}, wantCode: 1, wantErr: "--out"},
		{name: "unknown output", args: []string{"--to", "csv"}, wantCode: 1, wantErr: "want kafka or jsonl"},
		{name: "bad start", args: []string{"--start", "26.10.2026", "--to", "jsonl", "--out", dir}, wantCode: 1, wantErr: "YYYY-MM-DD"},
		{name: "bad malformed rate", args: []string{"--malformed-rate", "2", "--to", "jsonl", "--out", dir}, wantCode: 1, wantErr: "malformed rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
				Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
				Getenv: func(k string) string { return c.env[k] }}
			code := Main(context.Background(), env, append([]string{"generate"}, c.args...))
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), c.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", c.wantOut, stdout.String())
			}
			if !strings.Contains(stderr.String(), c.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErr, stderr.String())
			}
			if c.files {
				for _, topic := range pipeline.InputTopics {
					if st, err := os.Stat(filepath.Join(dir, topic+".jsonl")); err != nil || st.Size() == 0 {
						t.Errorf("%s.jsonl missing or empty (%v)", topic, err)
					}
				}
			}
		})
	}
}

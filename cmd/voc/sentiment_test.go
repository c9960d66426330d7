package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/sentiment"
)

// runVoc runs voc in-process with stdin and returns stdout, stderr and the exit code.
func runVoc(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, args)
	return out.String(), errOut.String(), code
}

func TestSentimentCommand(t *testing.T) {
	out, stderr, code := runVoc(t, "等了半天没人理，电话13812345678😡\n\nThe technician was great, thanks!\n", "sentiment")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d output lines for 3 input lines:\n%s", len(lines), out)
	}
	var rs []sentiment.Result
	for _, l := range lines {
		var r sentiment.Result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		rs = append(rs, r)
	}
	if r := rs[0]; r.Label != "neg" || r.Lang != "zh" || strings.Contains(r.Redacted, "13812345678") || !strings.Contains(r.Redacted, "[PHONE]") || len(r.Topics) == 0 {
		t.Errorf("first line: %+v", r)
	}
	if r := rs[1]; r.Lang != "" || r.Label != "neu" || r.Score != 0 {
		t.Errorf("empty line: %+v", r)
	}
	if r := rs[2]; r.Label != "pos" || r.Lang != "en" {
		t.Errorf("third line: %+v", r)
	}
	if !strings.Contains(lines[0], `"keywords":[`) || !strings.Contains(lines[0], `"score":`) {
		t.Errorf("JSON fields: %s", lines[0])
	}
}

func TestSentimentTrainAndEval(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "labels.tsv")
	doc := "pos\t师傅很专业，谢谢\nneg\t等了半天没人理，太差了\nneu\t请问怎么恢复出厂设置\npos\tgreat service, thanks\nneg\tterrible, nobody answers\n"
	if err := os.WriteFile(data, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "model.bin")
	out, stderr, code := runVoc(t, "", "sentiment", "train", "--out", model, "--holdout", "0", "--epochs", "20", data+":2")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "wrote "+model) {
		t.Errorf("train output:\n%s", out)
	}
	out, stderr, code = runVoc(t, "", "sentiment", "eval", "--json", "--model", model, data)
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var ev struct {
		File string `json:"file"`
		sentiment.Evaluation
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	// A model evaluated on the five lines it was trained on, many epochs: it must fit them.
	if ev.N != 5 || ev.Accuracy != 1 {
		t.Errorf("eval on the training lines: %+v", ev)
	}
	out, _, code = runVoc(t, "", "sentiment", "eval", "--scorer", "lexicon", data)
	if code != 0 || !strings.Contains(out, "accuracy") || !strings.Contains(out, "gold \\ predicted") {
		t.Errorf("text eval: exit %d\n%s", code, out)
	}
	// --errors lists misclassified lines: gold labels flipped, every line is a miss.
	flipped := filepath.Join(dir, "flipped.tsv")
	if err := os.WriteFile(flipped, []byte("neg\t师傅很专业，谢谢\npos\t等了半天没人理，太差了\nneg\tgreat service, thanks\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n, want int
	}{{0, 0}, {2, 2}, {10, 3}} {
		out, stderr, code = runVoc(t, "", "sentiment", "eval", "--json", "--model", model, "--errors", strconv.Itoa(tc.n), flipped)
		if code != 0 {
			t.Fatalf("eval --errors: exit %d: %s", code, stderr)
		}
		ev.Errors = nil
		if err := json.Unmarshal([]byte(out), &ev); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		if len(ev.Errors) != tc.want || (tc.want > 0 && (ev.Errors[0].Gold != "neg" || ev.Errors[0].Predicted != "pos" || ev.Errors[0].Text != "师傅很专业，谢谢")) {
			t.Errorf("--errors %d: %+v", tc.n, ev.Errors)
		}
	}
	out, _, _ = runVoc(t, "", "sentiment", "eval", "--model", model, "--errors", "1", flipped)
	if !strings.Contains(out, "miss: gold neg, predicted pos") {
		t.Errorf("text eval --errors 1:\n%s", out)
	}
	for _, args := range [][]string{
		{"sentiment", "eval"},
		{"sentiment", "eval", "--scorer", "magic", data},
		{"sentiment", "eval", filepath.Join(dir, "missing.tsv")},
		{"sentiment", "train", "--out", model},
		{"sentiment", "extra-arg"},
	} {
		if _, _, code := runVoc(t, "", args...); code == 0 {
			t.Errorf("voc %v succeeded", args)
		}
	}
}

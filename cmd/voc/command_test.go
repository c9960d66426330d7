package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/pipeline"
)

// changedValues returns values for f that differ from its default, the
// most likely valid first.
func changedValues(t *testing.T, f *flag.Flag) []string {
	t.Helper()
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return []string{"changed", "name=changed", "1"} // repeatable and custom flags
	}
	return []string{changedValue(t, f, g)}
}

func changedValue(t *testing.T, f *flag.Flag, g flag.Getter) string {
	switch v := g.Get().(type) {
	case bool:
		return strconv.FormatBool(!v)
	case int:
		return strconv.Itoa(v + 7)
	case uint64:
		return strconv.FormatUint(v+7, 10)
	case float64:
		return strconv.FormatFloat(v+0.25, 'g', -1, 64)
	case time.Duration:
		return (v + 7*time.Second).String()
	case string:
		return v + "-changed"
	}
	t.Fatalf("flag --%s: no changed value for %T", f.Name, g.Get())
	return ""
}

func flagDefaults(c *command) map[string]string {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	c.New().Flags(fs)
	out := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { out[f.Name] = f.DefValue })
	return out
}

// TestEveryCommandStartsFromItsDefaults parses every flag of every command
// to a non-default value and checks that the next invocation still
// registers the original defaults: no flag value survives into the next
// in-process run (flag defaults used to be read from a struct that the
// previous parse had written into).
func TestEveryCommandStartsFromItsDefaults(t *testing.T) {
	for name, c := range commands {
		t.Run(name, func(t *testing.T) {
			before := flagDefaults(c)
			fs := flag.NewFlagSet(name, flag.ContinueOnError)
			c.New().Flags(fs)
			fs.VisitAll(func(f *flag.Flag) {
				var errs []error
				for _, v := range changedValues(t, f) {
					err := fs.Set(f.Name, v)
					if err == nil {
						return
					}
					errs = append(errs, err)
				}
				t.Logf("--%s: no changed value accepted (%v); only its default is checked", f.Name, errs)
			})
			fs.VisitAll(func(f *flag.Flag) {
				if f.Value.String() == f.DefValue && f.DefValue != "" {
					t.Errorf("--%s still %q after parsing a changed value", f.Name, f.DefValue)
				}
			})
			after := flagDefaults(c)
			for flagName, def := range before {
				if after[flagName] != def {
					t.Errorf("--%s default %q after a run that set it, want %q", flagName, after[flagName], def)
				}
			}
		})
	}
}

// TestGenerateTwiceInProcess runs `voc generate` twice in one process, the
// first time with a seed and a malformed rate, the second without: the
// second run must produce exactly what a run with the defaults spelled out
// produces.
func TestGenerateTwiceInProcess(t *testing.T) {
	dir := t.TempDir()
	run := func(out string, extra ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(string) string { return "" }}
		args := append([]string{"generate", "--days", "1", "--contacts-per-day", "40", "--to", "jsonl", "--out", filepath.Join(dir, out)}, extra...)
		if code := Main(context.Background(), env, args); code != 0 {
			t.Fatalf("voc %v: exit %d: %s", args, code, stderr.String())
		}
	}
	def := generate.DefaultConfig()
	run("first", "--seed", "7", "--malformed-rate", "0.2")
	run("second")
	run("spelled-out", "--seed", strconv.FormatUint(def.Seed, 10), "--malformed-rate", "0")
	read := func(out string) string {
		var b strings.Builder
		for _, topic := range pipeline.InputTopics {
			data, err := os.ReadFile(filepath.Join(dir, out, topic+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
		return b.String()
	}
	first, second, spelled := read("first"), read("second"), read("spelled-out")
	if second != spelled {
		t.Errorf("the second in-process run differs from a run with the default flags (%d vs %d bytes): it inherited the first run's flags", len(second), len(spelled))
	}
	if first == second {
		t.Error("the first run (--seed 7 --malformed-rate 0.2) produced the same events as the defaults; the test proves nothing")
	}
}

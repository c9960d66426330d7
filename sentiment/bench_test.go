package sentiment

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkAnalyze measures messages per second on both cores for the full
// enrichment and, side by side in the same run, its parts: gse segmentation
// alone (with and without HMM) and the sentiment scorers. The messages are
// ~30-character Chinese customer messages (testdata/bench_zh.txt).
func BenchmarkAnalyze(b *testing.B) {
	a, err := New()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/bench_zh.txt")
	if err != nil {
		b.Fatal(err)
	}
	texts := strings.Split(strings.TrimSpace(string(raw)), "\n")
	parts := []struct {
		name string
		run  func(string)
	}{
		{"full", func(s string) { a.Analyze(s) }},
		{"sentiment-combined", func(s string) { a.Sentiment(s, ScorerCombined) }},
		{"sentiment-lexicon", func(s string) { a.Sentiment(s, ScorerLexicon) }},
		{"redact+normalize", func(s string) { prepare(s) }},
		{"gse-cut-hmm", func(s string) { a.keywords.seg.Cut(s, true) }},
		{"gse-cut-nohmm", func(s string) { a.keywords.seg.Cut(s, false) }},
		{"gse-slice", func(s string) { a.keywords.seg.Slice(s) }},
	}
	for _, p := range parts {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					p.run(texts[i%len(texts)])
					i++
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			if rss := rssMB(); rss > 0 {
				b.ReportMetric(rss, "RSS-MB")
			}
		})
	}
}

// rssMB is the process's resident set size in MB (Linux; 0 elsewhere).
func rssMB() float64 {
	f, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(f))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

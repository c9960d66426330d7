package main

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestComposers draws many lines from every frame of both languages: every
// slot must name a bank (fill panics otherwise), no braces may be left, and
// the same seed must give the same lines.
func TestComposers(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *composer
	}{{"zh", zh}, {"en", en}} {
		t.Run(tc.name, func(t *testing.T) {
			draw := func(seed uint64) []string {
				r := rand.New(rand.NewPCG(seed, 7))
				var out []string
				for range 3000 {
					label, text := tc.c.line(r)
					out = append(out, label+"\t"+text)
				}
				return out
			}
			a, b := draw(1), draw(1)
			labels := map[string]int{}
			for i, l := range a {
				if l != b[i] {
					t.Fatalf("seed 1 gave %q then %q", l, b[i])
				}
				label, text, _ := strings.Cut(l, "\t")
				labels[label]++
				if text == "" || strings.ContainsAny(text, "{}\t\n") {
					t.Errorf("bad text %q", text)
				}
			}
			for _, want := range []string{"neg", "neu", "pos"} {
				if labels[want] < 300 {
					t.Errorf("%d %s lines of 3000", labels[want], want)
				}
			}
			if len(labels) != 3 {
				t.Errorf("labels %v", labels)
			}
			// Every template of every label is reachable and fills.
			r := rand.New(rand.NewPCG(2, 7))
			for label, frames := range tc.c.frames {
				for _, f := range frames {
					if got := tc.c.fill(r, f, 0); strings.ContainsAny(got, "{}") {
						t.Errorf("%s frame %q filled to %q", label, f, got)
					}
				}
			}
		})
	}
}

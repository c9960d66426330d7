package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/voc-analytics/voc/sentiment"
)

func init() {
	register(&command{
		Name:    "sentiment",
		Summary: "analyse texts from stdin, one per line: redacted text, language, sentiment, keywords, topics as JSON lines",
		Usage:   "< lines",
		Run: func(ctx context.Context, env *Env, args []string) error {
			a, err := sentiment.New()
			if err != nil {
				return err
			}
			sc := bufio.NewScanner(env.Stdin)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			for sc.Scan() {
				if err := enc.Encode(a.Analyze(sc.Text())); err != nil {
					return err
				}
			}
			return sc.Err()
		},
	})
	var jsonOut bool
	register(&command{
		Name:    "sentiment eval",
		Summary: "accuracy, macro-F1 and confusion matrix of the sentiment labels on label<TAB>text files (labels pos/neu/neg)",
		Usage:   "[--json] FILE...",
		Flags:   func(fs *flag.FlagSet) { fs.BoolVar(&jsonOut, "json", false, "print JSON") },
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("give at least one label<TAB>text file")
			}
			a, err := sentiment.New()
			if err != nil {
				return err
			}
			var items []sentiment.Labeled
			for _, f := range args {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				its, err := sentiment.ParseLabeled(string(b))
				if err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				items = append(items, its...)
			}
			ev := sentiment.Evaluate(a, items)
			if jsonOut {
				return json.NewEncoder(env.Stdout).Encode(ev)
			}
			fmt.Fprintf(env.Stdout, "items %d  accuracy %.3f  macro-F1 %.3f\n\n", ev.N, ev.Accuracy, ev.MacroF1)
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "gold \\ predicted\t"+strings.Join(sentiment.Labels, "\t")+"\tF1\t")
			for i, g := range sentiment.Labels {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t\n", g, ev.Confusion[i][0], ev.Confusion[i][1], ev.Confusion[i][2], ev.F1[g])
			}
			return tw.Flush()
		},
	})
}

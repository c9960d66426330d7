package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/voc-analytics/voc/sentiment"
)

func init() {
	var workers int
	register(&command{
		Name:    "sentiment",
		Summary: "analyse texts from stdin, one per line: redacted text, language, sentiment, keywords, topics as JSON lines",
		Usage:   "[--workers N] < lines",
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "texts analysed in parallel (output keeps the input order)")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unexpected argument %q: voc sentiment reads texts from stdin (see also voc sentiment eval, voc sentiment train)", args[0])
			}
			a, err := sentiment.New()
			if err != nil {
				return err
			}
			return analyzeLines(ctx, a, env.Stdin, env.Stdout, max(workers, 1))
		},
	})

	var (
		evalJSON    bool
		evalScorer  string
		evalHeldOut int
		evalModel   string
		evalErrors  int
	)
	register(&command{
		Name:    "sentiment eval",
		Summary: "accuracy, macro-F1 and confusion matrix of the sentiment labels on label<TAB>text files (labels pos/neu/neg)",
		Usage:   "[--json] [--errors N] [--scorer combined|lexicon] [--heldout PERCENT] [--model FILE] FILE...",
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&evalJSON, "json", false, "print one JSON object per file and one for all files together")
			fs.StringVar(&evalScorer, "scorer", "combined", "combined (trained model with lexicon and rules, as voc sentiment) or lexicon (rules alone)")
			fs.StringVar(&evalModel, "model", "", "score with this model file from 'voc sentiment train' instead of the embedded one")
			fs.IntVar(&evalErrors, "errors", 0, "also list up to N misclassified lines per file (gold, predicted, score, text)")
			fs.IntVar(&evalHeldOut, "heldout", 0, "evaluate only the held-out split that 'voc sentiment train --holdout PERCENT' left out (0: every line)")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("give at least one label<TAB>text file")
			}
			scorer, err := sentiment.ParseScorer(evalScorer)
			if err != nil {
				return err
			}
			// Read every file before loading the analyzer (seconds), so that a
			// bad file fails at once.
			files := make([][]sentiment.Labeled, len(args))
			for i, f := range args {
				items, err := sentiment.ReadLabeledFile(f)
				if err != nil {
					return err
				}
				if evalHeldOut > 0 {
					items = heldOutOnly(items, evalHeldOut)
				}
				files[i] = items
			}
			a, err := newAnalyzer(evalModel)
			if err != nil {
				return err
			}
			var all []sentiment.Labeled
			type fileEval struct {
				File string `json:"file"`
				sentiment.Evaluation
			}
			var evals []fileEval
			for i, f := range args {
				all = append(all, files[i]...)
				evals = append(evals, fileEval{f, sentiment.Evaluate(a, scorer, files[i])})
			}
			if len(args) > 1 {
				ev := sentiment.Evaluate(a, scorer, all)
				ev.Errors = nil // listed per file
				evals = append(evals, fileEval{"all", ev})
			}
			for i := range evals {
				evals[i].Errors = evals[i].Errors[:min(len(evals[i].Errors), evalErrors)]
			}
			if evalJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, e := range evals {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			for i, e := range evals {
				if i > 0 {
					fmt.Fprintln(env.Stdout)
				}
				printEvaluation(env, e.File, e.Evaluation)
			}
			return nil
		},
	})

	var (
		trainOut     string
		trainHoldout int
		trainEpochs  int
		trainSeed    uint64
		trainRate    float64
		trainL2      float64
		trainExclude stringList
	)
	register(&command{
		Name:    "sentiment train",
		Summary: "train the sentiment model on label<TAB>text files (FILE:WEIGHT weighs a file's lines) and write its weights",
		Usage:   "[--out FILE] [--holdout PERCENT] [--exclude EVALFILE]... [--epochs N] [--seed N] FILE[:WEIGHT]...",
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&trainOut, "out", sentiment.ModelPath, "where to write the model; the binary embeds "+sentiment.ModelPath+" when built")
			d := sentiment.DefaultTrainConfig()
			fs.IntVar(&trainHoldout, "holdout", d.HoldoutPercent, "percent of each file's lines (chosen by a hash of the text) left out of training; 'voc sentiment eval --heldout' evaluates them")
			fs.IntVar(&trainEpochs, "epochs", d.Epochs, "passes over the training data")
			fs.Uint64Var(&trainSeed, "seed", d.Seed, "shuffling seed")
			fs.Float64Var(&trainRate, "rate", d.LearningRate, "AdaGrad learning rate")
			fs.Float64Var(&trainL2, "l2", d.L2, "L2 weight decay")
			fs.Var(&trainExclude, "exclude", "label<TAB>text file whose texts are never trained on, e.g. an evaluation set (repeatable)")
		},
		Run: func(ctx context.Context, env *Env, args []string) error {
			cfg := sentiment.TrainConfig{HoldoutPercent: trainHoldout, Epochs: trainEpochs, Seed: trainSeed, LearningRate: trainRate, L2: trainL2, Exclude: trainExclude}
			for _, arg := range args {
				tf, err := sentiment.ParseTrainFile(arg)
				if err != nil {
					return err
				}
				cfg.Files = append(cfg.Files, tf)
			}
			m, stats, err := sentiment.Train(cfg)
			if err != nil {
				return err
			}
			b, err := m.MarshalBinary()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(trainOut), 0o755); err != nil {
				return fmt.Errorf("write model: %w", err)
			}
			if err := os.WriteFile(trainOut, b, 0o644); err != nil {
				return fmt.Errorf("write model: %w", err)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "file\ttrained\theld out\texcluded\tneg/neu/pos\t")
			for _, s := range stats {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d/%d/%d\t\n", s.Path, s.Train, s.HeldOut, s.Excluded, s.PerLabel["neg"], s.PerLabel["neu"], s.PerLabel["pos"])
			}
			tw.Flush()
			fmt.Fprintf(env.Stdout, "wrote %s (%d bytes); rebuild voc to embed it if that is %s\n", trainOut, len(b), sentiment.ModelPath)
			return nil
		},
	})
}

// analyzeLines writes one JSON result per input line, in input order,
// analysing batches of lines on workers goroutines.
func analyzeLines(ctx context.Context, a *sentiment.Analyzer, in io.Reader, out io.Writer, workers int) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	const batchSize = 4096
	texts := make([]string, 0, batchSize)
	results := make([]sentiment.Result, batchSize)
	flush := func() error {
		var wg sync.WaitGroup
		for k := range workers {
			wg.Go(func() {
				for i := k; i < len(texts); i += workers {
					results[i] = a.Analyze(texts[i])
				}
			})
		}
		wg.Wait()
		for i := range texts {
			if err := enc.Encode(results[i]); err != nil {
				return fmt.Errorf("write result: %w", err)
			}
		}
		texts = texts[:0]
		return ctx.Err()
	}
	for sc.Scan() {
		if texts = append(texts, sc.Text()); len(texts) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	return w.Flush()
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// newAnalyzer returns the shared analyzer, or one with the model in file.
func newAnalyzer(modelFile string) (*sentiment.Analyzer, error) {
	if modelFile == "" {
		return sentiment.New()
	}
	b, err := os.ReadFile(modelFile)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return sentiment.NewWithModel(b)
}

func heldOutOnly(items []sentiment.Labeled, percent int) []sentiment.Labeled {
	var out []sentiment.Labeled
	for _, it := range items {
		if sentiment.HeldOut(it.Text, percent) {
			out = append(out, it)
		}
	}
	return out
}

func printEvaluation(env *Env, name string, ev sentiment.Evaluation) {
	fmt.Fprintf(env.Stdout, "%s: items %d  accuracy %.3f  macro-F1 %.3f\n", name, ev.N, ev.Accuracy, ev.MacroF1)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "gold \\ predicted\t"+strings.Join(sentiment.Labels, "\t")+"\tF1\t")
	for i, g := range sentiment.Labels {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t\n", g, ev.Confusion[i][0], ev.Confusion[i][1], ev.Confusion[i][2], ev.F1[g])
	}
	tw.Flush()
	for _, m := range ev.Errors {
		fmt.Fprintf(env.Stdout, "  miss: gold %s, predicted %s (score %+.2f): %s\n", m.Gold, m.Predicted, m.Score, m.Text)
	}
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/voc-analytics/voc/sentiment"
)

func init() {
	register(&command{
		Name:    "sentiment",
		Summary: "analyse texts from stdin, one per line: redacted text, language, sentiment, keywords, topics as JSON lines",
		Usage:   "[--workers N] < lines",
		New:     func() Invocation { return &sentimentMain{workers: runtime.GOMAXPROCS(0)} },
	})
	register(&command{
		Name:    "sentiment eval",
		Summary: "accuracy, macro-F1 and confusion matrix of the sentiment labels on label<TAB>text files (labels pos/neu/neg)",
		Usage:   "[--json] [--errors N] [--scorer combined|lexicon] [--heldout PERCENT] [--model FILE] FILE...",
		New:     func() Invocation { return &sentimentEvalMain{scorer: "combined"} },
	})
	register(&command{
		Name:    "sentiment train",
		Summary: "train the sentiment model on label<TAB>text files (FILE:WEIGHT weighs a file's lines) and write its weights",
		Usage:   "[--out FILE] [--holdout PERCENT] [--exclude EVALFILE]... [--epochs N] [--seed N] FILE[:WEIGHT]...",
		New: func() Invocation {
			return &sentimentTrainMain{out: sentiment.ModelPath, cfg: sentiment.DefaultTrainConfig()}
		},
	})
}

// sentimentMain is one run of `voc sentiment`.
type sentimentMain struct{ workers int }

func (m *sentimentMain) Flags(fs *flag.FlagSet) {
	fs.IntVar(&m.workers, "workers", m.workers, "texts analysed in parallel (output keeps the input order)")
}

func (m *sentimentMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q: voc sentiment reads texts from stdin (see also voc sentiment eval, voc sentiment train)", args[0])
	}
	a, err := sentiment.New()
	if err != nil {
		return err
	}
	return sentiment.AnalyzeLines(ctx, a, env.Stdin, env.Stdout, m.workers)
}

// sentimentEvalMain is one run of `voc sentiment eval`.
type sentimentEvalMain struct {
	jsonOut        bool
	scorer, model  string
	heldOut, fails int
}

func (m *sentimentEvalMain) Flags(fs *flag.FlagSet) {
	fs.BoolVar(&m.jsonOut, "json", m.jsonOut, "print one JSON object per file and one for all files together")
	fs.StringVar(&m.scorer, "scorer", m.scorer, "combined (trained model with lexicon and rules, as voc sentiment) or lexicon (rules alone)")
	fs.StringVar(&m.model, "model", m.model, "score with this model file from 'voc sentiment train' instead of the embedded one")
	fs.IntVar(&m.fails, "errors", m.fails, "also list up to N misclassified lines per file (gold, predicted, score, text)")
	fs.IntVar(&m.heldOut, "heldout", m.heldOut, "evaluate only the held-out split that 'voc sentiment train --holdout PERCENT' left out (0: every line)")
}

func (m *sentimentEvalMain) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("give at least one label<TAB>text file")
	}
	scorer, err := sentiment.ParseScorer(m.scorer)
	if err != nil {
		return err
	}
	files, err := sentiment.ReadEvalFiles(args, m.heldOut)
	if err != nil {
		return err
	}
	a, err := sentiment.NewFromModelFile(m.model)
	if err != nil {
		return err
	}
	evals := sentiment.EvaluateFiles(a, scorer, args, files, m.fails)
	if m.jsonOut {
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
		e.WriteText(env.Stdout)
	}
	return nil
}

// sentimentTrainMain is one run of `voc sentiment train`.
type sentimentTrainMain struct {
	out     string
	cfg     sentiment.TrainConfig
	exclude stringList
}

func (m *sentimentTrainMain) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.out, "out", m.out, "where to write the model; the binary embeds "+sentiment.ModelPath+" when built")
	fs.IntVar(&m.cfg.HoldoutPercent, "holdout", m.cfg.HoldoutPercent, "percent of each file's lines (chosen by a hash of the text) left out of training; 'voc sentiment eval --heldout' evaluates them")
	fs.IntVar(&m.cfg.Epochs, "epochs", m.cfg.Epochs, "passes over the training data")
	fs.Uint64Var(&m.cfg.Seed, "seed", m.cfg.Seed, "shuffling seed")
	fs.Float64Var(&m.cfg.LearningRate, "rate", m.cfg.LearningRate, "AdaGrad learning rate")
	fs.Float64Var(&m.cfg.L2, "l2", m.cfg.L2, "L2 weight decay")
	fs.Var(&m.exclude, "exclude", "label<TAB>text file whose texts are never trained on, e.g. an evaluation set (repeatable)")
}

func (m *sentimentTrainMain) Run(ctx context.Context, env *Env, args []string) error {
	cfg := m.cfg
	cfg.Exclude = m.exclude
	for _, arg := range args {
		tf, err := sentiment.ParseTrainFile(arg)
		if err != nil {
			return err
		}
		cfg.Files = append(cfg.Files, tf)
	}
	model, stats, err := sentiment.Train(cfg)
	if err != nil {
		return err
	}
	b, err := model.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.out), 0o755); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.WriteFile(m.out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "file\ttrained\theld out\texcluded\tneg/neu/pos\t")
	for _, s := range stats {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d/%d/%d\t\n", s.Path, s.Train, s.HeldOut, s.Excluded, s.PerLabel["neg"], s.PerLabel["neu"], s.PerLabel["pos"])
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "wrote %s (%d bytes); rebuild voc to embed it if that is %s\n", m.out, len(b), sentiment.ModelPath)
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

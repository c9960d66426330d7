package files

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// Config describes one backfill.
type Config struct {
	Paths    []string
	Topic    string // stream of lines whose type does not say (default: from each file's name)
	Restart  bool   // ignore checkpoints: read every file from the start (still idempotent)
	Runner   pipeline.RunnerConfig
	Enricher pipeline.Enricher // nil: texts stored as they are (--enrich none)
	Log      *slog.Logger
	// Progress is called every ProgressEvery (default 200 ms) and at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// DefaultConfig: the runner's defaults, with old events accepted (a legacy
// export may reach back decades; the stream only accepts 5 years).
func DefaultConfig() Config {
	rc := pipeline.DefaultRunnerConfig()
	rc.Limits.MaxPast = 50 * 365 * 24 * time.Hour
	rc.FlushInterval = 2 * time.Second
	return Config{Runner: rc}
}

// Progress of a backfill.
type Progress struct {
	Files, FilesDone  int
	Bytes, TotalBytes int64 // read so far (finished files count whole)
	Lines             int64 // read this run
	Events, Rejects   int64 // written this run
	Elapsed           time.Duration
}

// Summary of a finished backfill.
type Summary struct {
	Files   []File
	Skipped int // files an earlier run finished
	Progress
}

// Backfill sends the files through the pipeline into conn's database.
func Backfill(ctx context.Context, conn driver.Conn, cfg Config) (*Summary, error) {
	t0 := time.Now()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Paths) == 0 {
		return nil, errors.New("no files to backfill")
	}
	if cfg.Topic != "" && !isInputTopic(cfg.Topic) {
		return nil, fmt.Errorf("topic %q: want one of %v", cfg.Topic, pipeline.InputTopics)
	}
	var files []*File
	seen := map[string]string{}
	var total int64
	for _, p := range cfg.Paths {
		f, err := Inspect(p, cfg.Topic)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[f.ID]; dup {
			log.Warn("same content given twice: backfilled once", "file", p, "same_as", prev)
			continue
		}
		seen[f.ID] = p
		files = append(files, f)
		total += f.Size
	}
	ckpt := NewCheckpoints(conn)
	if cfg.Restart {
		if err := ckpt.Forget(ctx, files); err != nil {
			return nil, err
		}
	} else if err := ckpt.Load(ctx, files); err != nil {
		return nil, err
	}
	sum := &Summary{}
	for _, f := range files {
		switch {
		case f.Finished:
			sum.Skipped++
			log.Info("already backfilled: skipped", "file", f.Path, "lines", f.Done, "events", f.Events, "rejects", f.Rejects)
		case f.Done > 0:
			log.Info("resuming after the checkpoint", "file", f.Path, "after_line", f.Done)
		}
	}
	stats := &Stats{}
	src := NewSource(files, ckpt, stats)
	defer src.Close()
	runner, err := pipeline.NewRunner(cfg.Runner, src, countingSink{sink: chsink.NewSink(conn), src: src}, nil, cfg.Enricher, pipeline.NewMetrics(nil), log)
	if err != nil {
		return nil, err
	}
	progress := func() Progress {
		return Progress{Files: len(files), FilesDone: int(stats.FilesDone.Load()), Bytes: stats.BytesRead.Load(), TotalBytes: total,
			Lines: stats.Lines.Load(), Events: stats.Events.Load(), Rejects: stats.Rejects.Load(), Elapsed: time.Since(t0)}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if cfg.Progress == nil {
			return
		}
		every := cfg.ProgressEvery
		if every <= 0 {
			every = 200 * time.Millisecond
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				cfg.Progress(progress())
			}
		}
	}()
	err = runner.Run(ctx)
	close(stop)
	<-done
	sum.Progress = progress()
	if cfg.Progress != nil {
		cfg.Progress(sum.Progress)
	}
	for _, f := range files {
		sum.Files = append(sum.Files, *f)
	}
	if err != nil {
		return sum, err
	}
	if ctx.Err() != nil {
		return sum, fmt.Errorf("backfill interrupted; run it again to resume after the last checkpoint: %w", ctx.Err())
	}
	return sum, nil
}

func isInputTopic(t string) bool {
	for _, x := range pipeline.InputTopics {
		if x == t {
			return true
		}
	}
	return false
}

package sentiment

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// AnalyzeLines writes one JSON Result per line of in to out, in input order
// (`voc sentiment`). Lines are read in batches of 4096 and each batch is
// analysed on workers goroutines (at least one); ctx is checked between
// batches.
func AnalyzeLines(ctx context.Context, a *Analyzer, in io.Reader, out io.Writer, workers int) error {
	workers = max(workers, 1)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	const batchSize = 4096
	texts := make([]string, 0, batchSize)
	results := make([]Result, batchSize)
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

package pipeline_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// TestShutdownIsBoundedWhileSinkIsDown holds the runner to docs/delivery.md:
// on SIGTERM while ClickHouse is down, the write in flight is abandoned
// after --shutdown-timeout, nothing is committed, and Run returns an error
// (exit code 1 through the CLI) rather than the context's cancellation
// (which the CLI treats as a clean exit 0).
func TestShutdownIsBoundedWhileSinkIsDown(t *testing.T) {
	sink := &memSink{failures: 1 << 30, offsets: map[int64]bool{}}
	src := &memSource{msgs: memMessages(30), written: sink}
	const shutdownTimeout = time.Second
	r := newMemRunner(t, src, sink, func(cfg *pipeline.RunnerConfig) {
		cfg.BatchSize = 50
		cfg.ShutdownTimeout = shutdownTimeout
		cfg.MaxBackoff = 50 * time.Millisecond
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	// Wait until the runner has failed a write and is retrying it, then
	// stop it.
	for deadline := time.Now().Add(time.Minute); sink.attempts() < 2 || r.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the runner never retried a failed write (%d attempts, ready %v)", sink.attempts(), r.Ready())
		}
	}
	cancel()
	stopped := time.Now()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("Run did not return 30 s after cancel with ShutdownTimeout %s while the sink is down", shutdownTimeout)
	}
	if took := time.Since(stopped); took < shutdownTimeout*9/10 {
		t.Errorf("Run returned %s after cancel: it gave up before the shutdown timeout (%s)", took, shutdownTimeout)
	}
	if err == nil || errors.Is(err, context.Canceled) && err == ctx.Err() {
		t.Errorf("Run returned %v, want an error saying the final write failed (the CLI exits 0 on a bare cancellation)", err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.violation != nil {
		t.Error(src.violation)
	}
	if src.committed != 0 {
		t.Errorf("committed up to offset %d while nothing was written", src.committed)
	}
}

package pipeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

func TestShutdownIsBoundedWhileSinkIsDown(t *testing.T) {
	sink := &memSink{failures: 1 << 30, offsets: map[int64]bool{}}
	src := &memSource{msgs: memMessages(30), written: sink}
	r := newMemRunner(t, src, sink, func(cfg *pipeline.RunnerConfig) {
		cfg.BatchSize = 50
		cfg.ShutdownTimeout = time.Second
		cfg.MaxBackoff = 50 * time.Millisecond
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		t.Logf("returned: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return 5 s after cancel with ShutdownTimeout 1 s while the sink is down")
	}
}

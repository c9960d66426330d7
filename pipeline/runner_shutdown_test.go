package pipeline_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

func TestShutdownIsBoundedWhileSinkIsDown(t *testing.T) {
	s := testevents.Build(30)
	var msgs []pipeline.Message
	for i, m := range testevents.Messages(s.Events) {
		msgs = append(msgs, pipeline.Message{Topic: m.Topic, Offset: int64(i), Key: m.Key, Value: m.Value})
	}
	sink := &memSink{failures: 1 << 30, offsets: map[int64]bool{}}
	src := &memSource{msgs: msgs, written: sink}
	cfg := pipeline.DefaultRunnerConfig()
	cfg.BatchSize = 50
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.ShutdownTimeout = time.Second
	cfg.MaxBackoff = 50 * time.Millisecond
	cfg.Limits.Now = func() time.Time { return testevents.Base.Add(30 * 24 * time.Hour) }
	r, err := pipeline.NewRunner(cfg, src, sink, nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
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

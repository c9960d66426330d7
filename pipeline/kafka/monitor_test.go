package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/kafkalocal"
)

const monTopic = "voc.chats"

// consume runs a consumer with the given client ID that reads and commits
// everything assigned to it, until stop is called.
func consume(t *testing.T, addr, group, clientID string) (stop func()) {
	t.Helper()
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: []string{addr}, GroupID: group, GroupTopics: []string{monTopic}, StartOffset: kafkago.FirstOffset,
		Dialer:  &kafkago.Dialer{ClientID: clientID, Timeout: 10 * time.Second},
		MaxWait: 100 * time.Millisecond, HeartbeatInterval: time.Second, SessionTimeout: 10 * time.Second, RebalanceTimeout: 10 * time.Second,
		JoinGroupBackoff: 200 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := r.ReadMessage(ctx); err != nil && ctx.Err() == nil {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait(); r.Close() }) }
	t.Cleanup(stop)
	return stop
}

// hold joins the group with the given client ID, takes its share of the
// partitions and never reads or commits: a consumer that hangs.
func hold(t *testing.T, addr, group, clientID string) (stop func()) {
	t.Helper()
	cg, err := kafkago.NewConsumerGroup(kafkago.ConsumerGroupConfig{
		ID: group, Brokers: []string{addr}, Topics: []string{monTopic},
		Dialer:            &kafkago.Dialer{ClientID: clientID, Timeout: 10 * time.Second},
		HeartbeatInterval: time.Second, SessionTimeout: 10 * time.Second, RebalanceTimeout: 10 * time.Second, JoinGroupBackoff: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := cg.Next(ctx); err != nil { // rejoin after each rebalance, hold, never commit
				return
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); cg.Close(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

func produce(t *testing.T, addr string, n int) {
	t.Helper()
	tr := &kafkago.Transport{}
	defer tr.CloseIdleConnections()
	w := &kafkago.Writer{Addr: kafkago.TCP(addr), Topic: monTopic, Balancer: &kafkago.RoundRobin{}, BatchTimeout: 5 * time.Millisecond, Transport: tr}
	msgs := make([]kafkago.Message, n)
	for i := range msgs {
		msgs[i] = kafkago.Message{Key: []byte(fmt.Sprint(i)), Value: []byte("v")}
	}
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	w.Close()
}

// TestGroupMonitorSeesAStallAndItsEnd provokes a stall in two ways and
// checks what an operator sees: voc_group_lag for every partition, the
// partitions with lag this process does not own, the stall in /readyz's
// error naming partitions and holder, a log line, and readiness back once
// the partitions move.
func TestGroupMonitorSeesAStallAndItsEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		// before starts the others in the group (this process's consumer
		// is started by the test); after heals the stall.
		before     func(t *testing.T, addr, group string) (heal func())
		wantHolder string // in the readiness error
		wantOwned  bool   // whether this process owns some partitions during the stall
	}{
		{
			name: "another member holds partitions and does not consume",
			before: func(t *testing.T, addr, group string) func() {
				stopHold := hold(t, addr, group, "hung-consumer")
				me := consume(t, addr, group, "me")
				_ = me
				return stopHold
			},
			wantHolder: "(client hung-consumer, host ",
			wantOwned:  true,
		},
		{
			name: "no member at all",
			before: func(t *testing.T, addr, group string) func() {
				return func() { consume(t, addr, group, "me") }
			},
			wantHolder: "held by no member",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const group = "g"
			b, err := kafkalocal.Start(kafkalocal.Config{Partitions: 4, Topics: []string{monTopic}})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			produce(t, b.Addr, 400)
			var logs bytes.Buffer
			var logMu sync.Mutex
			log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))
			reg := prometheus.NewRegistry()
			mon, err := NewGroupMonitor(MonitorConfig{Brokers: []string{b.Addr}, GroupID: group, Topics: []string{monTopic}, ClientID: "me",
				Interval: 200 * time.Millisecond, StallAfter: 2 * time.Second}, reg, log)
			if err != nil {
				t.Fatal(err)
			}
			defer mon.Close()
			heal := tc.before(t, b.Addr, group)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()

			// The stall: half or all of the partitions keep their lag.
			var st GroupStatus
			var readyErr error
			for {
				if st, err = mon.Poll(ctx); err != nil {
					t.Logf("poll: %v", err)
				}
				if readyErr = mon.Ready(ctx); readyErr != nil {
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("no stall seen; last status %+v", st)
				}
				time.Sleep(200 * time.Millisecond)
			}
			t.Logf("readiness during the stall: %v", readyErr)
			var stalled, owned []string
			var lagging int64
			for _, p := range st.Partitions {
				if p.StalledFor > 0 {
					stalled = append(stalled, p.TopicPartition.String())
					if !strings.Contains(readyErr.Error(), p.TopicPartition.String()) {
						t.Errorf("readiness error does not name stalled partition %s", p.TopicPartition)
					}
					if p.StalledFor < 2*time.Second {
						t.Errorf("%s stalled for %s, less than the stall time", p.TopicPartition, p.StalledFor)
					}
					lagging++
				}
				if p.Holder.ThisProcess {
					owned = append(owned, p.TopicPartition.String())
					if p.Lag != 0 {
						t.Errorf("%s is ours and consumed, lag %d", p.TopicPartition, p.Lag)
					}
				}
				if got := testutil.ToFloat64(mon.metrics.lag.WithLabelValues(p.Topic, fmt.Sprint(p.Partition))); got != float64(p.Lag) {
					t.Errorf("voc_group_lag %s = %v, want %d", p.TopicPartition, got, p.Lag)
				}
			}
			if tc.wantOwned != (len(owned) > 0) || len(stalled)+len(owned) != 4 {
				t.Errorf("owned by this process %v, stalled %v: want every partition either consumed by us or stalled (ours: %v)", owned, stalled, tc.wantOwned)
			}
			if !strings.Contains(readyErr.Error(), tc.wantHolder) {
				t.Errorf("readiness error %q does not name the holder %q", readyErr, tc.wantHolder)
			}
			if got := testutil.ToFloat64(mon.metrics.unowned); got != float64(lagging) {
				t.Errorf("voc_group_lagging_partitions_not_owned = %v, want %d", got, lagging)
			}
			if got := testutil.ToFloat64(mon.metrics.stalled); got != float64(len(stalled)) {
				t.Errorf("voc_group_stalled_partitions = %v, want %d", got, len(stalled))
			}
			logMu.Lock()
			stallLine := findLog(t, logs.Bytes(), "consumer group partitions with lag have not moved for longer than the stall time")
			logMu.Unlock()
			if stallLine == nil || !strings.Contains(fmt.Sprint(stallLine["partitions"]), stalled[0]) {
				t.Errorf("no stall log line naming %s: %v", stalled[0], stallLine)
			}

			// Heal: the partitions move, readiness comes back.
			heal()
			for {
				if st, err = mon.Poll(ctx); err != nil {
					t.Logf("poll: %v", err)
				}
				if err == nil && mon.Ready(ctx) == nil && totalLag(st) == 0 {
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("never healed: ready %v, status %+v", mon.Ready(ctx), st)
				}
				time.Sleep(200 * time.Millisecond)
			}
			if got := testutil.ToFloat64(mon.metrics.stalled) + testutil.ToFloat64(mon.metrics.unowned); got != 0 {
				t.Errorf("after healing: stalled + not owned = %v, want 0", got)
			}
			logMu.Lock()
			defer logMu.Unlock()
			if findLog(t, logs.Bytes(), "consumer group partitions are moving again; ready") == nil {
				t.Errorf("no log line for the end of the stall:\n%s", logs.String())
			}
		})
	}
}

func totalLag(st GroupStatus) int64 {
	var n int64
	for _, p := range st.Partitions {
		n += p.Lag
	}
	return n
}

func findLog(t *testing.T, logs []byte, msg string) map[string]any {
	t.Helper()
	for _, line := range bytes.Split(logs, []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

package generate

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/goleak"

	"github.com/voc-analytics/voc/pipeline"
)

func newCluster(t testing.TB) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, pipeline.InputTopics...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newKafkaSink(t testing.TB, addrs []string) *KafkaSink {
	t.Helper()
	s, err := NewKafkaSink(addrs, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKafkaSink produces a day to the in-process broker and reads it back:
// every message on its topic, keyed by the event's stable key, on the
// partition the Java client's murmur2 would pick, and valid.
func TestKafkaSink(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cluster := newCluster(t)
	defer cluster.Close()
	addrs := cluster.ListenAddrs()
	cfg := smallConfig(1, 400, 1)
	sum, err := Run(context.Background(), cfg, newKafkaSink(t, addrs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(pipeline.InputTopics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lim := pipeline.DefaultLimits()
	lim.Now = func() time.Time { return cfg.Start.AddDate(0, 0, 2) }
	balancer := &kafka.Murmur2Balancer{}
	got := map[string]int64{}
	var n int64
	for n < sum.Total() {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d messages: %v", n, sum.Total(), err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			got[r.Topic]++
			ev, err := pipeline.Decode(r.Topic, r.Key, r.Value, lim)
			if err != nil {
				t.Fatalf("%s message %s: %v", r.Topic, r.Key, err)
			}
			if want := balancer.Balance(kafka.Message{Key: r.Key}, 0, 1, 2, 3); int(r.Partition) != want {
				t.Fatalf("%s key %s on partition %d, murmur2 says %d", r.Topic, ev.Key(), r.Partition, want)
			}
		})
	}
	for _, topic := range pipeline.InputTopics {
		if got[topic] != sum.Events[topic] {
			t.Errorf("%s: read %d, produced %d", topic, got[topic], sum.Events[topic])
		}
	}
}

func BenchmarkGenerateJSONL(b *testing.B) {
	cfg := smallConfig(1, 20000, 1)
	dir := b.TempDir()
	var total int64
	for b.Loop() {
		sink, err := NewJSONLSink(dir)
		if err != nil {
			b.Fatal(err)
		}
		sum, err := Run(context.Background(), cfg, sink, Options{})
		if err != nil {
			b.Fatal(err)
		}
		total += sum.Total()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkGenerateKafka(b *testing.B) {
	cfg := smallConfig(1, 20000, 1)
	var total int64
	for b.Loop() {
		b.StopTimer()
		cluster := newCluster(b)
		b.StartTimer()
		sum, err := Run(context.Background(), cfg, newKafkaSink(b, cluster.ListenAddrs()), Options{})
		b.StopTimer()
		cluster.Close()
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		total += sum.Total()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
}

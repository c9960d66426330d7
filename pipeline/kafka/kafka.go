package kafka

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/pipeline"
)

// SourceConfig configures the consumer.
type SourceConfig struct {
	Brokers []string
	GroupID string   // consumer group; processes sharing it split partitions
	Topics  []string // default pipeline.InputTopics
	MaxWait time.Duration
	// QueueCapacity bounds the messages kafka-go prefetches while the
	// runner writes a batch (default 20000, a few MB): enough to keep
	// fetching busy during a flush, bounded so memory stays flat.
	QueueCapacity int
	// ClientID names this consumer to the brokers; default
	// "voc-run@HOST/PID-RANDOM", unique per process, so that the group's
	// member list tells which members are this process (GroupMonitor).
	ClientID string
}

// Source reads the input topics through one consumer-group reader.
type Source struct {
	r        *kafkago.Reader
	clientID string
}

// ClientID is the Kafka client ID of the consumer.
func (s *Source) ClientID() string { return s.clientID }

// DefaultClientID is unique per call: program, host, process and a random suffix.
func DefaultClientID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("voc-run@%s/%d-%04x", host, os.Getpid(), rand.N(1<<16))
}

// NewSource creates the consumer. Offsets are committed synchronously and
// only through Commit; a new group starts from the earliest offset.
func NewSource(cfg SourceConfig) (*Source, error) {
	if len(cfg.Brokers) == 0 || cfg.GroupID == "" {
		return nil, fmt.Errorf("kafka source: brokers and group are required")
	}
	if len(cfg.Topics) == 0 {
		cfg.Topics = pipeline.InputTopics
	}
	if cfg.QueueCapacity == 0 {
		cfg.QueueCapacity = 20000
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = 250 * time.Millisecond
	}
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID()
	}
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:                cfg.Brokers,
		Dialer:                 &kafkago.Dialer{ClientID: cfg.ClientID, Timeout: 10 * time.Second, DualStack: true},
		GroupID:                cfg.GroupID,
		GroupTopics:            cfg.Topics,
		MinBytes:               1,
		MaxBytes:               16 << 20,
		MaxWait:                cfg.MaxWait,
		QueueCapacity:          cfg.QueueCapacity,
		CommitInterval:         0, // synchronous commits, only after the write
		StartOffset:            kafkago.FirstOffset,
		HeartbeatInterval:      time.Second,
		SessionTimeout:         10 * time.Second,
		RebalanceTimeout:       10 * time.Second,
		JoinGroupBackoff:       500 * time.Millisecond,
		ReadBackoffMin:         50 * time.Millisecond,
		ReadBackoffMax:         time.Second,
		WatchPartitionChanges:  true,
		PartitionWatchInterval: 5 * time.Second,
	})
	return &Source{r: r, clientID: cfg.ClientID}, nil
}

// Fetch returns the next message without committing it.
func (s *Source) Fetch(ctx context.Context) (pipeline.Message, error) {
	m, err := s.r.FetchMessage(ctx)
	if err != nil {
		return pipeline.Message{}, classify(err)
	}
	return pipeline.Message{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, HighWaterMark: m.HighWaterMark}, nil
}

// Commit commits, per partition, the offset after the highest message given.
func (s *Source) Commit(ctx context.Context, msgs []pipeline.Message) error {
	type tp struct {
		topic string
		part  int
	}
	last := map[tp]int64{}
	for _, m := range msgs {
		k := tp{m.Topic, m.Partition}
		if o, ok := last[k]; !ok || m.Offset > o {
			last[k] = m.Offset
		}
	}
	out := make([]kafkago.Message, 0, len(last))
	for k, o := range last {
		out = append(out, kafkago.Message{Topic: k.topic, Partition: k.part, Offset: o})
	}
	if err := s.r.CommitMessages(ctx, out...); err != nil {
		return classify(fmt.Errorf("commit offsets of %d partitions: %w", len(out), err))
	}
	return nil
}

// Close leaves the group.
func (s *Source) Close() error { return s.r.Close() }

// DeadLetters writes rejected messages, unchanged and with their key, to the
// dead-letter topic with the reason and provenance in headers.
type DeadLetters struct {
	p *Producer
}

// NewDeadLetters creates the dead-letter writer.
func NewDeadLetters(brokers []string, topic string) (*DeadLetters, error) {
	p, err := NewProducer(ProducerConfig{Brokers: brokers, Topic: topic})
	if err != nil {
		return nil, fmt.Errorf("dead-letter topic %s: %w", topic, err)
	}
	return &DeadLetters{p: p}, nil
}

// Send writes the rejects of one batch.
func (d *DeadLetters) Send(ctx context.Context, rejects []pipeline.Record) error {
	msgs := make([]kafkago.Message, len(rejects))
	for i, r := range rejects {
		msgs[i] = kafkago.Message{Key: r.Msg.Key, Value: r.Msg.Value, Headers: []kafkago.Header{
			{Key: "voc-reason", Value: []byte(r.Reject.Reason)},
			{Key: "voc-field", Value: []byte(r.Reject.Field)},
			{Key: "voc-detail", Value: []byte(r.Reject.Detail)},
			{Key: "voc-topic", Value: []byte(r.Msg.Topic)},
			{Key: "voc-partition", Value: []byte(strconv.Itoa(r.Msg.Partition))},
			{Key: "voc-offset", Value: []byte(strconv.FormatInt(r.Msg.Offset, 10))},
		}}
	}
	if err := d.p.WriteMessages(ctx, msgs...); err != nil {
		return classify(fmt.Errorf("write %d dead letters to %s: %w", len(msgs), d.p.Topic, err))
	}
	return nil
}

// Close flushes and closes the writer.
func (d *DeadLetters) Close() error { return d.p.Close() }

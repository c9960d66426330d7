package kafka

import (
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	Brokers []string
	// Topic for every message; empty means each message names its own.
	Topic string
	// BatchSize is the most messages sent per partition in one request
	// (default 100, kafka-go's); BatchBytes the most bytes (default 1 MiB).
	BatchSize  int
	BatchBytes int64
	// BatchTimeout is how long a partial batch waits for more messages
	// (default 5 ms: producers here write in bulk and want no linger).
	BatchTimeout time.Duration
	// AllowAutoTopicCreation lets a write create a missing topic.
	AllowAutoTopicCreation bool
}

// Producer writes messages keyed like voc's contract says: partitioned by
// murmur2 of the key (the Java client's partitioner, so other producers
// agree on partitions) and acknowledged by all in-sync replicas. It owns its
// transport, so Close drops its connections.
type Producer struct {
	*kafkago.Writer
	transport *kafkago.Transport
}

// NewProducer returns a producer; it connects on the first write.
func NewProducer(cfg ProducerConfig) (*Producer, error) {
	if len(cfg.Brokers) == 0 {
		return nil, fmt.Errorf("kafka producer: no brokers")
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 5 * time.Millisecond
	}
	transport := &kafkago.Transport{}
	return &Producer{transport: transport, Writer: &kafkago.Writer{
		Addr:                   kafkago.TCP(cfg.Brokers...),
		Topic:                  cfg.Topic,
		Balancer:               &kafkago.Murmur2Balancer{},
		RequiredAcks:           kafkago.RequireAll,
		BatchSize:              cfg.BatchSize,
		BatchBytes:             cfg.BatchBytes,
		BatchTimeout:           cfg.BatchTimeout,
		AllowAutoTopicCreation: cfg.AllowAutoTopicCreation,
		Transport:              transport,
	}}, nil
}

// Close flushes pending messages and closes the producer's connections.
func (p *Producer) Close() error {
	err := p.Writer.Close()
	p.transport.CloseIdleConnections()
	return err
}

package generate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/voc-analytics/voc/pipeline"
)

// JSONLSink writes one file per topic, <dir>/<topic>.jsonl, one message per line.
type JSONLSink struct {
	files map[string]*os.File
	w     map[string]*bufio.Writer
}

// NewJSONLSink creates dir and the four topic files, truncating old ones.
func NewJSONLSink(dir string) (*JSONLSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory %s: %w", dir, err)
	}
	s := &JSONLSink{files: map[string]*os.File{}, w: map[string]*bufio.Writer{}}
	for _, topic := range pipeline.InputTopics {
		f, err := os.Create(filepath.Join(dir, topic+".jsonl"))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("create output file: %w", err)
		}
		s.files[topic] = f
		s.w[topic] = bufio.NewWriterSize(f, 1<<20)
	}
	return s, nil
}

// Write appends value and a newline to topic's file; the key is not written
// (it is the event's own id field).
func (s *JSONLSink) Write(_ context.Context, topic string, _, value []byte) error {
	w, ok := s.w[topic]
	if !ok {
		return fmt.Errorf("no output file for topic %q", topic)
	}
	w.Write(value)
	return w.WriteByte('\n')
}

// Close flushes and closes the files.
func (s *JSONLSink) Close() error {
	var errs []error
	for _, topic := range pipeline.InputTopics {
		if w := s.w[topic]; w != nil {
			errs = append(errs, w.Flush())
		}
		if f := s.files[topic]; f != nil {
			errs = append(errs, f.Close())
		}
	}
	return errors.Join(errs...)
}

// KafkaSink produces to the four topics, keyed by each event's stable key,
// partitioned like the Java client (murmur2), acknowledged by all replicas.
type KafkaSink struct {
	w     *kafka.Writer
	batch []kafka.Message
	size  int
}

// NewKafkaSink returns a sink that writes batches of batchSize messages (1000 if 0).
func NewKafkaSink(brokers []string, batchSize int) *KafkaSink {
	if batchSize <= 0 {
		batchSize = 1000
	}
	return &KafkaSink{
		w: &kafka.Writer{
			Addr:                   kafka.TCP(brokers...),
			Balancer:               &kafka.Murmur2Balancer{},
			RequiredAcks:           kafka.RequireAll,
			BatchSize:              batchSize,
			BatchBytes:             16 << 20,
			BatchTimeout:           5 * time.Millisecond,
			AllowAutoTopicCreation: true,
		},
		size: batchSize * 4,
	}
}

func (s *KafkaSink) Write(ctx context.Context, topic string, key, value []byte) error {
	s.batch = append(s.batch, kafka.Message{Topic: topic, Key: key, Value: value})
	if len(s.batch) >= s.size {
		return s.Flush(ctx)
	}
	return nil
}

// Flush produces the buffered messages and waits for their acknowledgements.
func (s *KafkaSink) Flush(ctx context.Context) error {
	if len(s.batch) == 0 {
		return nil
	}
	err := s.w.WriteMessages(ctx, s.batch...)
	s.batch = s.batch[:0]
	if err != nil {
		return fmt.Errorf("produce to kafka: %w", err)
	}
	return nil
}

// Close flushes what is left and closes the writer.
func (s *KafkaSink) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(s.Flush(ctx), s.w.Close())
}

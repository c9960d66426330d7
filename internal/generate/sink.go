package generate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/pipeline"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
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
// One goroutine produces batches in order while the generator fills the next
// one; a failed batch fails the next Write or Close.
type KafkaSink struct {
	w       *kafkasrc.Producer
	batch   []kafka.Message
	size    int
	batches chan []kafka.Message
	done    chan struct{}
	errOnce atomic.Pointer[error]
	ctx     context.Context
	cancel  context.CancelFunc
}

// NewKafkaSink returns a sink that produces in batches of batchSize messages
// per partition (1000 if 0).
func NewKafkaSink(brokers []string, batchSize int) (*KafkaSink, error) {
	if batchSize <= 0 {
		batchSize = 1000
	}
	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: brokers, BatchSize: batchSize, BatchBytes: 16 << 20, AllowAutoTopicCreation: true})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &KafkaSink{
		w:       w,
		size:    batchSize * 4,
		batches: make(chan []kafka.Message, 1),
		done:    make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
	}
	go s.produce()
	return s, nil
}

func (s *KafkaSink) produce() {
	defer close(s.done)
	for b := range s.batches {
		if s.errOnce.Load() != nil {
			continue // drain after a failure
		}
		if err := s.w.WriteMessages(s.ctx, b...); err != nil {
			err = fmt.Errorf("produce to kafka: %w", err)
			s.errOnce.Store(&err)
		}
	}
}

func (s *KafkaSink) failed() error {
	if p := s.errOnce.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *KafkaSink) Write(ctx context.Context, topic string, key, value []byte) error {
	s.batch = append(s.batch, kafka.Message{Topic: topic, Key: key, Value: value})
	if len(s.batch) < s.size {
		return nil
	}
	if err := s.failed(); err != nil {
		return err
	}
	select {
	case s.batches <- s.batch:
		s.batch = make([]kafka.Message, 0, s.size)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close produces what is left, waits for every acknowledgement (at most 30 s)
// and closes the writer.
func (s *KafkaSink) Close() error {
	if len(s.batch) > 0 {
		s.batches <- s.batch
		s.batch = nil
	}
	close(s.batches)
	t := time.AfterFunc(30*time.Second, s.cancel)
	<-s.done
	t.Stop()
	s.cancel()
	return errors.Join(s.failed(), s.w.Close())
}

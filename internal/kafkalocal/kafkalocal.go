// Package kafkalocal runs an embedded Kafka-protocol broker (franz-go's kfake)
// on a loopback port, with voc's four input topics and the dead-letter topic
// created. It speaks the real Kafka protocol, so kafka-go, kcat and any other
// client work against it. Members of a consumer group whose client is gone
// are removed after their session timeout plus the rebalance timeout, as a
// real broker would (see sessions.go). With a DataDir it keeps its log on disk across
// restarts; without one it is in memory only and forgets everything on stop.
package kafkalocal

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Config describes the broker.
type Config struct {
	Port       int      // 0 picks a free port
	Partitions int      // partitions per topic, default 4
	Topics     []string // topics to create
	DataDir    string   // empty: in memory only
	Log        *slog.Logger
}

// Broker is a running embedded broker.
type Broker struct {
	Addr     string // host:port bootstrap address
	cluster  *kfake.Cluster
	sessions *sessions
}

// Start starts the broker and creates the topics.
func Start(cfg Config) (*Broker, error) {
	if cfg.Partitions == 0 {
		cfg.Partitions = 4
	}
	if cfg.Partitions < 1 || cfg.Partitions > 1024 {
		return nil, fmt.Errorf("kafka partitions %d: use 1..1024", cfg.Partitions)
	}
	if cfg.Port != 0 {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port)))
		if err != nil {
			return nil, fmt.Errorf("kafka port %d on 127.0.0.1 is taken: pass another --kafka-port (0 picks a free one): %w", cfg.Port, err)
		}
		l.Close()
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(cfg.Port),
		kfake.SeedTopics(int32(cfg.Partitions), cfg.Topics...),
		kfake.DefaultNumPartitions(cfg.Partitions),
		kfake.AllowAutoTopicCreation(),
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded Kafka: %w", err)
	}
	addrs := c.ListenAddrs()
	if len(addrs) == 0 {
		c.Close()
		return nil, fmt.Errorf("embedded Kafka has no listener")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log.Info("embedded Kafka ready", "bootstrap", addrs[0], "topics", cfg.Topics, "partitions", cfg.Partitions, "data_dir", cfg.DataDir)
	return &Broker{Addr: addrs[0], cluster: c, sessions: watchSessions(c, addrs[0], log)}, nil
}

// Close stops the broker.
func (b *Broker) Close() {
	b.sessions.close()
	b.cluster.Close()
}

// Package kafka is the Kafka adapter of the pipeline (segmentio/kafka-go):
// a consumer-group Source over voc's input topics that commits only what the
// runner acknowledges, the dead-letter writer for voc.dlq, the Producer
// every voc writer to Kafka uses (murmur2 partitioning like the Java client,
// acknowledged by all in-sync replicas, its own connections), and a
// GroupMonitor that watches the whole consumer group (lag of every
// partition, who holds it, partitions that stop moving) for /metrics and
// /readyz.
package kafka

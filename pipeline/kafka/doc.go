// Package kafka is the Kafka adapter of the pipeline (segmentio/kafka-go):
// a consumer-group Source over voc's input topics that commits only what the
// runner acknowledges, and the dead-letter writer for voc.dlq.
package kafka

// Package pipeline is voc's domain core for ingestion: the event contracts of
// the four input streams (chats incl. calls, tickets, surveys, suggestion
// posts; see docs/events.md), their decoding and validation with typed reject
// reasons, and the stages that move events from a source to a sink.
//
// Kafka and ClickHouse live in adapter packages; this package knows neither.
package pipeline

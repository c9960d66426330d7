package pipeline

import "context"

// Message is one record read from a stream, with where it came from.
type Message struct {
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	// HighWaterMark is the partition's end offset when the message was
	// fetched; HighWaterMark-Offset-1 is the consumer lag behind it.
	HighWaterMark int64
	// File is set for messages read from a file by `voc backfill`: its path;
	// Offset is then the line (JSONL) or row (Parquet) number, from 1, and
	// Partition identifies the file (negative, never a Kafka partition).
	File string
}

// Source yields messages and takes acknowledgements. Commit is called only
// after every message up to and including msgs was durably written, so a
// crash before Commit means redelivery, never loss. A finite source (files)
// returns ErrEndOfInput from Fetch when it has nothing more: the runner then
// flushes, commits and returns. Other errors are retried unless marked fatal
// (NewFatal), which stops the runner.
type Source interface {
	Fetch(ctx context.Context) (Message, error)
	Commit(ctx context.Context, msgs []Message) error
	Close() error
}

// Record is a fetched message after decoding: either an Event with its
// text enrichment, or a Reject.
type Record struct {
	Msg        Message
	Event      Event
	Enrichment Enrichment
	Reject     *RejectError
}

// Sink writes a batch of records durably (events to their tables, rejects to
// the rejects table). Writes must be idempotent: a batch may be written again
// after a failure or a redelivery. A sink that wrote every record but some it
// can never write returns a *RefusedError naming them (they become rejects);
// an error marked fatal (NewFatal) stops the runner; any other error is
// retried with the whole batch.
type Sink interface {
	Write(ctx context.Context, batch []Record) error
}

// DeadLetters receives the rejected messages of a batch (the voc.dlq topic).
type DeadLetters interface {
	Send(ctx context.Context, rejects []Record) error
}

// Enrichment is what text analytics adds to an event's free text.
type Enrichment struct {
	Redacted string   // the text with personal data replaced by placeholders
	PII      []string // kinds of personal data found
	Lang     string   // zh | en | mixed
	Score    float32  // sentiment in [-1, 1]
	Label    string   // neg | neu | pos
	Keywords []string
	Topics   []string
}

// Enricher analyses one text. Implementations must be safe for concurrent use.
type Enricher interface {
	Enrich(text string) Enrichment
}

// NopEnricher stores texts unchanged and adds nothing.
type NopEnricher struct{}

// Enrich returns the text as is.
func (NopEnricher) Enrich(text string) Enrichment { return Enrichment{Redacted: text} }

// EnrichEvent redacts every free-text field of ev in place (its Texts and its
// Notes) and returns the combined enrichment of its Texts: sentiment of the
// longest text, union of PII kinds, keywords and topics. Its Redacted is
// empty: the redacted texts are in ev.
func EnrichEvent(e Enricher, ev Event) Enrichment {
	var out Enrichment
	longest := -1
	for _, p := range ev.Texts() {
		en := e.Enrich(*p)
		if len(*p) > longest {
			longest = len(*p)
			out.Lang, out.Score, out.Label = en.Lang, en.Score, en.Label
		}
		*p = en.Redacted
		out.PII = appendUnique(out.PII, en.PII...)
		out.Keywords = appendUnique(out.Keywords, en.Keywords...)
		out.Topics = appendUnique(out.Topics, en.Topics...)
	}
	for _, p := range ev.Notes() {
		*p = e.Enrich(*p).Redacted
	}
	return out
}

func appendUnique(dst []string, vs ...string) []string {
next:
	for _, v := range vs {
		for _, d := range dst {
			if d == v {
				continue next
			}
		}
		dst = append(dst, v)
	}
	return dst
}

package pipeline

import "time"

// batcher collects records into batches: a batch is due when it holds size
// records or when its oldest record has waited interval (the batch policy
// of Benthos' config_batch_policy: count or period, whichever comes first).
type batcher struct {
	size     int
	interval time.Duration
	capacity int
	records  []Record
	timer    *time.Timer
	armed    bool
}

func newBatcher(size int, interval time.Duration) *batcher {
	t := time.NewTimer(interval)
	t.Stop()
	capacity := min(size, 65536)
	return &batcher{size: size, interval: interval, capacity: capacity, records: make([]Record, 0, capacity), timer: t}
}

// add appends rec and reports whether the batch is now full.
func (b *batcher) add(rec Record) (full bool) {
	b.records = append(b.records, rec)
	if !b.armed {
		b.timer.Reset(b.interval)
		b.armed = true
	}
	return len(b.records) >= b.size
}

// untilNext fires when the oldest record of a non-empty batch has waited
// the interval; it never fires while the batch is empty.
func (b *batcher) untilNext() <-chan time.Time {
	if !b.armed {
		return nil
	}
	return b.timer.C
}

// take returns the batch collected so far (nil if empty) and starts a new one.
func (b *batcher) take() []Record {
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
	if len(b.records) == 0 {
		return nil
	}
	out := b.records
	b.records = make([]Record, 0, b.capacity)
	return out
}

func (b *batcher) stop() { b.timer.Stop() }

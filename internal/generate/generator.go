package generate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// Sink receives the generated messages in time order.
type Sink interface {
	Write(ctx context.Context, topic string, key, value []byte) error
	Close() error // flushes; called once by Run
}

// Options control how Run emits, not what it generates.
type Options struct {
	Rate   float64          // messages per second; 0 = as fast as possible
	Follow bool             // keep generating in real time after the history
	Now    func() time.Time // wall clock for --rate and --follow; time.Now if nil
	// Progress, if set, is called about every 50,000 messages and after each day.
	Progress func(Progress)
	// Live, if set, is called once in a Follow run when every message of the
	// history has been written, before the first one dated after it (which
	// may lie in the past: today's events since the end of the history).
	Live func()
	// Waiting, if set, is called in a Follow run each time the next message
	// lies in the future: everything up to the clock has been written and
	// Run waits until next.
	Waiting func(next time.Time)
}

// Progress reports how far Run got.
type Progress struct {
	Day, Days int   // current day (1-based) and days of history
	Events    int64 // messages written so far, malformed included
}

// Run generates cfg's history into sink, in occurred_at order, and returns the
// summary. Events dated after the end of the history (a ticket still open, a
// survey not yet answered) are not written unless opt.Follow is set, in which
// case Run keeps generating in real time until ctx is done.
func Run(ctx context.Context, cfg Config, sink Sink, opt Options) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	g := newGenerator(cfg, sink, opt)
	err := g.run(ctx)
	if cerr := sink.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("generate: close output: %w", cerr)
	}
	g.sum.Elapsed = opt.Now().Sub(g.began)
	if opt.Follow && ctx.Err() != nil && err == ctx.Err() {
		err = nil // --follow ends when interrupted
	}
	return g.sum, err
}

type generator struct {
	cfg  Config
	opt  Options
	sink Sink
	r    *rand.Rand // everything that ends up in good events
	mr   *rand.Rand // malformed injection, so good events do not depend on the rate

	q     eventQueue
	seq   uint64
	sum   *Summary
	began time.Time

	idSeq      map[string]int             // per id prefix and day, e.g. "c-20261026"
	postSeq    int                        // suggestion posts
	repeats    map[int64][]contactSpec    // by hour (unix/3600)
	topicDays  [][]int                    // contacts per day and topic, for "top issues" posts
	catCDF     map[string][2]weightedCats // per model: day, low coverage
	population int                        // customers

	periodEnd int64
	waitScale map[string]float64 // seconds, before load and noise
	day       int
	curHour   int64      // unix hour being generated
	written   int64      // messages written
	live      bool       // Follow: the history has been written
	carry     [2]float64 // fractional fresh and emerging contacts not yet created
}

func newGenerator(cfg Config, sink Sink, opt Options) *generator {
	g := &generator{
		cfg: cfg, opt: opt, sink: sink,
		r:       rand.New(rand.NewPCG(cfg.Seed, 0x766f632d67656e31)),
		mr:      rand.New(rand.NewPCG(cfg.Seed, 0x6d616c666f726d64)),
		sum:     newSummary(cfg),
		began:   opt.Now(),
		idSeq:   map[string]int{},
		repeats: map[int64][]contactSpec{},
		catCDF:  map[string][2]weightedCats{},
	}
	g.population = max(50_000, cfg.ContactsPerDay*60)
	for _, p := range Products {
		g.catCDF[p.Model] = [2]weightedCats{categoryWeights(p, false), categoryWeights(p, true)}
	}
	g.periodEnd = cfg.Start.AddDate(0, 0, cfg.Days).Unix()
	// Calibrated so that mean answered waits come out near phone 12 min and
	// app 8 min once impatient callers have abandoned (see the distribution test).
	g.waitScale = map[string]float64{
		pipeline.ChannelPhone: 13.2 * 60, pipeline.ChannelApp: 7.8 * 60, pipeline.ChannelWeChat: 8.5 * 60,
		pipeline.ChannelWeb: 8 * 60, pipeline.ChannelCommunity: 3 * 3600, pipeline.ChannelEmail: 5 * 3600,
	}
	return g
}

func (g *generator) run(ctx context.Context) error {
	for day := 0; g.opt.Follow || day < g.cfg.Days; day++ {
		g.day = day
		dayStart := g.cfg.Start.AddDate(0, 0, day)
		g.topicDays = append(g.topicDays, make([]int, len(Topics)))
		for hour := range 24 {
			hourStart := dayStart.Add(time.Duration(hour) * time.Hour).Unix()
			if err := g.flush(ctx, hourStart); err != nil {
				return err
			}
			if hour == 0 {
				g.suggestions(dayStart.Unix())
			}
			g.hour(dayStart, hour)
		}
		if g.opt.Progress != nil {
			g.opt.Progress(Progress{Day: day + 1, Days: g.cfg.Days, Events: g.sum.total()})
		}
	}
	if err := g.flush(ctx, g.periodEnd); err != nil {
		return err
	}
	g.sum.CutAtEnd = int64(g.q.Len())
	return nil
}

// flush writes every queued event that happened before until.
func (g *generator) flush(ctx context.Context, until int64) error {
	for g.q.Len() > 0 && g.q.items[0].at < until {
		if err := g.emit(ctx, g.q.pop()); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (g *generator) emit(ctx context.Context, it queued) error {
	if g.opt.Follow && it.at > g.periodEnd {
		if !g.live {
			g.live = true
			if g.opt.Live != nil {
				g.opt.Live()
			}
		}
		at := time.Unix(it.at, 0)
		if g.opt.Waiting != nil && at.After(g.opt.Now()) {
			g.opt.Waiting(at)
		}
		if err := sleepUntil(ctx, g.opt.Now, at); err != nil {
			return err
		}
	}
	value, err := pipeline.Encode(it.ev)
	if err != nil {
		return err
	}
	topic, key := it.ev.Topic(), it.ev.Key()
	if err := g.write(ctx, topic, key, value); err != nil {
		return err
	}
	g.sum.count(topic, it.ev.Env().Type)
	if p := g.cfg.MalformedRate; p > 0 && g.mr.Float64() < p/(1-p) {
		if err := g.write(ctx, topic, key, malform(g.mr, value)); err != nil {
			return err
		}
		g.sum.Malformed[topic]++
	}
	return nil
}

func (g *generator) write(ctx context.Context, topic, key string, value []byte) error {
	if err := g.sink.Write(ctx, topic, []byte(key), value); err != nil {
		return fmt.Errorf("write %s message %s: %w", topic, key, err)
	}
	g.written++
	n := g.written
	if g.opt.Rate > 0 && n%16 == 0 {
		due := g.began.Add(time.Duration(float64(n) / g.opt.Rate * float64(time.Second)))
		if err := sleepUntil(ctx, g.opt.Now, due); err != nil {
			return err
		}
	}
	if g.opt.Progress != nil && n%50_000 == 0 {
		g.opt.Progress(Progress{Day: g.day + 1, Days: g.cfg.Days, Events: n})
	}
	return nil
}

func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) error {
	wait := t.Sub(now())
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// push queues an event to be written at its occurred_at.
func (g *generator) push(at int64, ev pipeline.Event) {
	env := ev.Env()
	env.Version = pipeline.SchemaVersion
	env.OccurredAt = toTime(at)
	g.seq++
	g.q.push(queued{at: at, seq: g.seq, ev: ev})
}

// nextID returns prefix-YYYYMMDD-NNNNNN, numbered per prefix and day.
func (g *generator) nextID(prefix string, at int64) string {
	k := prefix + "-" + toTime(at).Format("20060102")
	g.idSeq[k]++
	return fmt.Sprintf("%s-%06d", k, g.idSeq[k])
}

func eventID(key string, n int) string { return key + "-" + strconv.Itoa(n) }

func toTime(at int64) time.Time { return time.Unix(at, 0).In(Shanghai) }

func (g *generator) between(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

// lognormal returns a sample with the given median and log-space sigma.
func (g *generator) lognormal(median, sigma float64) float64 {
	return median * math.Exp(g.r.NormFloat64()*sigma)
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// weightedCats is a cumulative distribution over Categories.
type weightedCats struct {
	cum []float64
	idx []int
}

func (w weightedCats) pick(r *rand.Rand) *Category {
	x := r.Float64() * w.cum[len(w.cum)-1]
	i, _ := slices.BinarySearch(w.cum, x)
	return &Categories[w.idx[min(i, len(w.idx)-1)]]
}

// categoryWeights: topic weight × product multiplier × low-coverage complaint
// boost, split over the topic's categories with a falling rank weight.
func categoryWeights(p Product, lowCoverage bool) weightedCats {
	type cand struct {
		i    int
		rank float64
	}
	byTopic := map[string][]cand{}
	for i, c := range Categories {
		switch {
		case c.Slug == "remote-after-update":
			continue // only the planted emerging issue uses it
		case c.Slug == "other-projector-focus" && p.Kind != "projector":
			continue
		}
		r := 1 / math.Pow(float64(len(byTopic[c.Topic])+1), 0.8)
		if c.Slug == "sound-soundbar" && p.Kind == "soundbar" {
			r *= 3
		}
		byTopic[c.Topic] = append(byTopic[c.Topic], cand{i, r})
	}
	var w weightedCats
	total := 0.0
	for _, t := range Topics {
		weight := t.weight
		if m, ok := p.topics[t.Name]; ok {
			weight *= m
		}
		if lowCoverage && (t.Name == "wait-time" || t.Name == "service-attitude") {
			weight *= 1.45 // complaints are +23% at night (DOMAIN.md); repeat contacts, whose topic is fixed, dilute this
		}
		sum := 0.0
		for _, c := range byTopic[t.Name] {
			sum += c.rank
		}
		for _, c := range byTopic[t.Name] {
			if x := weight * c.rank / sum; x > 0 {
				total += x
				w.cum = append(w.cum, total)
				w.idx = append(w.idx, c.i)
			}
		}
	}
	return w
}

// The event queue: a binary min-heap by (at, seq), so that events of equal
// time keep generation order, which is causal within a key.

type queued struct {
	at  int64
	seq uint64
	ev  pipeline.Event
}

type eventQueue struct{ items []queued }

func (q *eventQueue) Len() int { return len(q.items) }

func less(a, b queued) bool { return a.at < b.at || (a.at == b.at && a.seq < b.seq) }

func (q *eventQueue) push(it queued) {
	q.items = append(q.items, it)
	i := len(q.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(q.items[i], q.items[p]) {
			break
		}
		q.items[i], q.items[p] = q.items[p], q.items[i]
		i = p
	}
}

func (q *eventQueue) pop() queued {
	top := q.items[0]
	n := len(q.items) - 1
	q.items[0] = q.items[n]
	q.items[n] = queued{}
	q.items = q.items[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && less(q.items[l], q.items[m]) {
			m = l
		}
		if r < n && less(q.items[r], q.items[m]) {
			m = r
		}
		if m == i {
			return top
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
}

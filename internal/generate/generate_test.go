package generate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func generateMem(t testing.TB, cfg Config) (*memSink, *Summary) {
	t.Helper()
	sink := newMemSink()
	sum, err := Run(context.Background(), cfg, sink, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sink, sum
}

func topicBytes(m *memSink) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m.topics {
		out[k] = v.Bytes()
	}
	return out
}

func smallConfig(days, perDay int, seed uint64) Config {
	cfg := DefaultConfig()
	cfg.Days, cfg.ContactsPerDay, cfg.Seed = days, perDay, seed
	return cfg
}

func digest(m *memSink) [32]byte {
	h := sha256.New()
	for _, topic := range pipeline.InputTopics {
		h.Write([]byte(topic))
		if b := m.topics[topic]; b != nil {
			h.Write(b.Bytes())
		}
	}
	return [32]byte(h.Sum(nil))
}

func TestDeterminism(t *testing.T) {
	cases := []struct {
		name     string
		a, b     Config
		wantSame bool
	}{
		{"same seed", smallConfig(2, 1500, 1), smallConfig(2, 1500, 1), true},
		{"different seed", smallConfig(2, 1500, 1), smallConfig(2, 1500, 2), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := generateMem(t, c.a)
			b, _ := generateMem(t, c.b)
			if same := digest(a) == digest(b); same != c.wantSame {
				t.Fatalf("outputs identical = %v, want %v", same, c.wantSame)
			}
		})
	}
}

// TestGolden pins the first events of seed 1, so that any change to the
// output is deliberate (go test -run Golden -update).
func TestGolden(t *testing.T) {
	sink, _ := generateMem(t, smallConfig(1, 200, 1))
	var got bytes.Buffer
	for _, topic := range pipeline.InputTopics {
		lines := strings.SplitAfterN(sink.topics[topic].String(), "\n", 13)
		for _, l := range lines[:min(12, len(lines))] {
			got.WriteString(topic + " " + l)
		}
	}
	path := filepath.Join("testdata", "golden_seed1.txt")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("output differs from %s; if the change is intended, rerun with -update", path)
	}
}

var (
	distOnce sync.Once
	distCfg  = func() Config {
		cfg := smallConfig(10, 2000, 1)
		cfg.EmergingFromDay = 5
		return cfg
	}()
	distStats stats
	distSum   *Summary
)

// sharedStats generates 10 days of 2,000 contacts once for the distribution tests.
func sharedStats(t *testing.T) (stats, *Summary) {
	distOnce.Do(func() {
		sink, sum := generateMem(t, distCfg)
		distStats, distSum = analyze(t, topicBytes(sink), distCfg), sum
	})
	if distSum == nil {
		t.Fatal("generation failed in an earlier test")
	}
	return distStats, distSum
}

func TestDistributions(t *testing.T) {
	s, sum := sharedStats(t)
	s.log(t)
	within := func(v, lo, hi float64) bool { return v >= lo && v <= hi }
	cases := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"app share", s.channelShare(pipeline.ChannelApp), 0.55, 0.61},
		{"phone share", s.channelShare(pipeline.ChannelPhone), 0.29, 0.35},
		{"other channels share", s.channelShare(pipeline.ChannelWeChat, pipeline.ChannelWeb, pipeline.ChannelCommunity, pipeline.ChannelEmail), 0.07, 0.13},
		{"peak vs off-peak contacts per hour", s.peakRate / s.offRate, 1.3, 2.2},
		{"mean phone wait (min)", s.meanWait[pipeline.ChannelPhone], 10.5, 13.5},
		{"mean app wait (min)", s.meanWait[pipeline.ChannelApp], 6.8, 9.2},
		{"abandonment", float64(s.abandoned) / float64(s.contacts), 0.06, 0.2},
		{"transfers per contact", s.transfersPerContact, 1.3, 1.7},
		{"FCR (project rule)", s.fcr, 0.55, 0.65},
		{"agents' resolved flag above FCR", s.resolvedFlag - s.fcr, 0.05, 0.4},
		{"one-touch differs from FCR", s.fcr - s.oneTouch, 0.1, 0.6},
		{"repeat contacts share", s.repeatShare, 0.1, 0.3},
		{"survey response rate", float64(s.surveyAnswered) / float64(s.surveySent), 0.275, 0.325},
		{"satisfied (CSAT 4-5)", s.satisfied, 0.6, 0.76},
		{"service ticket SLA misses", s.slaMiss["service"], 0.04, 0.25},
		{"complaint ticket SLA misses", s.slaMiss["complaint"], 0.04, 0.25},
		{"English contacts", s.langEn, 0.07, 0.13},
		{"peak waits vs other staffed hours", s.peakWait / s.offWait, 1.3, 3},
		{"complaint topics night vs day", s.complaintsLow / s.complaintsHigh, 1.0, 2.0}, // ~200 night complaints: noisy; TestNightComplaints checks the mechanism
		{"phone handle time (min)", s.handle[pipeline.ChannelPhone], 2, 15},
		{"app handle time (min)", s.handle[pipeline.ChannelApp], 4, 25},
	}
	for _, c := range cases {
		if !within(c.got, c.lo, c.hi) {
			t.Errorf("%s = %.3f, want %.3f..%.3f", c.name, c.got, c.lo, c.hi)
		}
	}
	if s.quickAbandons == 0 {
		t.Error("no contact abandoned within 5 s")
	}
	if s.rejects != 0 {
		t.Errorf("%d of %d events rejected by the contract: %v", s.rejects, s.messages, s.byReason)
	}
	if int64(s.messages) != sum.Total() {
		t.Errorf("read %d messages, summary says %d", s.messages, sum.Total())
	}
	if !s.ordered {
		t.Error("occurred_at goes backwards within a key")
	}
	if s.duplicateIDs != 0 {
		t.Errorf("%d duplicate event ids", s.duplicateIDs)
	}
	first := distCfg.Start.AddDate(0, 0, distCfg.EmergingFromDay).Format(time.DateOnly)
	lastDay := distCfg.Start.AddDate(0, 0, distCfg.Days-1).Format(time.DateOnly)
	before := distCfg.Start.AddDate(0, 0, distCfg.EmergingFromDay-1).Format(time.DateOnly)
	if s.emergingByDay[before] != 0 || s.emergingByDay[lastDay] < 2*max(1, s.emergingByDay[first]) {
		t.Errorf("emerging issue should start on %s and grow: %v", first, s.emergingByDay)
	}
}

func TestEmergingIssueOff(t *testing.T) {
	cfg := smallConfig(3, 1000, 1)
	cfg.EmergingIssue, cfg.EmergingFromDay = false, 0
	sink, sum := generateMem(t, cfg)
	if sum.EmergingContacts != 0 || bytes.Contains(sink.topics[pipeline.TopicChats].Bytes(), []byte("remote-after-update")) {
		t.Errorf("emerging issue switched off but %d contacts have it", sum.EmergingContacts)
	}
}

func TestMalformedRate(t *testing.T) {
	for _, rate := range []float64{0, 0.05, 0.2} {
		t.Run(fmt.Sprintf("%g%%", 100*rate), func(t *testing.T) {
			cfg := smallConfig(2, 1000, 3)
			cfg.MalformedRate = rate
			sink, sum := generateMem(t, cfg)
			s := analyze(t, topicBytes(sink), cfg)
			got := float64(s.rejects) / float64(s.messages)
			if math.Abs(got-rate) > 0.02 {
				t.Errorf("reject share %.4f, want %.2f ± 0.02", got, rate)
			}
			if int64(s.rejects) != sumValues(sum.Malformed) {
				t.Errorf("%d rejects, summary counts %d malformed", s.rejects, sumValues(sum.Malformed))
			}
			if rate > 0 && len(s.byReason) < 4 {
				t.Errorf("want several kinds of bad input, got %v", s.byReason)
			}
		})
	}
}

// TestMalformedKeepsGoodEvents: injecting bad messages leaves the good ones
// byte-identical, so runs with and without --malformed-rate compare.
func TestMalformedKeepsGoodEvents(t *testing.T) {
	cfg := smallConfig(1, 800, 5)
	clean, _ := generateMem(t, cfg)
	cfg.MalformedRate = 0.1
	dirty, _ := generateMem(t, cfg)
	lim := pipeline.DefaultLimits()
	lim.Now = func() time.Time { return cfg.Start.AddDate(0, 0, 2) }
	for _, topic := range pipeline.InputTopics {
		var kept bytes.Buffer
		for _, line := range bytes.SplitAfter(dirty.topics[topic].Bytes(), []byte("\n")) {
			if len(line) > 0 {
				if _, err := pipeline.Decode(topic, nil, bytes.TrimSuffix(line, []byte("\n")), lim); err == nil {
					kept.Write(line)
				}
			}
		}
		if !bytes.Equal(kept.Bytes(), clean.topics[topic].Bytes()) {
			t.Errorf("%s: good events differ once malformed ones are injected", topic)
		}
	}
}

func TestMalformedAlwaysRejected(t *testing.T) {
	sink, _ := generateMem(t, smallConfig(1, 100, 1))
	lim := pipeline.DefaultLimits()
	lim.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	r := newTestRand(1)
	for _, topic := range pipeline.InputTopics {
		for _, line := range bytes.Split(bytes.TrimSpace(sink.topics[topic].Bytes()), []byte("\n")) {
			for range 5 {
				bad := malform(r, line)
				if _, err := pipeline.Decode(topic, nil, bad, lim); err == nil {
					t.Fatalf("malformed message accepted: %s", bad)
				}
			}
		}
	}
}

// TestFollow: after the history, events keep coming in real time, never
// dated in the future, until the context ends. The history is yesterday and
// today in Shanghai (the generator's zone), whatever the machine's zone.
func TestFollow(t *testing.T) {
	today := time.Now().In(Shanghai)
	cfg := smallConfig(1, 2000, 1)
	cfg.Start = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Shanghai).AddDate(0, 0, -1)
	end := cfg.Start.AddDate(0, 0, 1)
	// Follow until the first chat event after the history arrives, or give
	// up after a deadline far beyond the trickle's pace.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sink := &followSink{memSink: newMemSink(), end: end, arrived: cancel}
	sum, err := Run(ctx, cfg, sink, Options{Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	s := analyze(t, topicBytes(sink.memSink), Config{Start: cfg.Start, Days: 3})
	if s.rejects != 0 {
		t.Errorf("%d rejects in follow mode: %v", s.rejects, s.byReason)
	}
	var afterHistory int
	for _, line := range bytes.Split(sink.topics[pipeline.TopicChats].Bytes(), []byte("\n")) {
		ev, err := pipeline.Decode(pipeline.TopicChats, nil, line, pipeline.DefaultLimits())
		if err != nil {
			continue
		}
		at := ev.Env().OccurredAt
		if at.After(time.Now()) {
			t.Fatalf("event dated in the future: %s", line)
		}
		if !at.Before(end) {
			afterHistory++
		}
	}
	if afterHistory == 0 {
		t.Errorf("no events after the history within a minute (%d written)", sum.Total())
	}
}

// followSink calls arrived once a chat event dated at or after end is
// written.
type followSink struct {
	*memSink
	end     time.Time
	arrived func()
}

func (f *followSink) Write(ctx context.Context, topic string, key, value []byte) error {
	if topic == pipeline.TopicChats {
		if ev, err := pipeline.Decode(topic, nil, value, pipeline.DefaultLimits()); err == nil && !ev.Env().OccurredAt.Before(f.end) {
			defer f.arrived()
		}
	}
	return f.memSink.Write(ctx, topic, key, value)
}

func TestRate(t *testing.T) {
	cfg := smallConfig(1, 40, 1)
	began := time.Now()
	sum, err := Run(context.Background(), cfg, newMemSink(), Options{Rate: 2000})
	if err != nil {
		t.Fatal(err)
	}
	// A rate limit is a floor on the time taken; how much slower a shared
	// machine makes it is not the generator's to assert.
	want := time.Duration(float64(sum.Total()) / 2000 * float64(time.Second))
	if got := time.Since(began); got < want*9/10 {
		t.Errorf("%d messages at 2000/s took %s, want at least %s", sum.Total(), got, want)
	}
}

// TestProductTopics: each product has its own fault profile.
func TestProductTopics(t *testing.T) {
	r := newTestRand(10)
	share := func(model, topic string) float64 {
		w := categoryWeights(*productByModel(model), false)
		n := 0
		for range 50_000 {
			if w.pick(r).Topic == topic {
				n++
			}
		}
		return float64(n) / 50_000
	}
	cases := []struct {
		name               string
		model, than, topic string
		atLeast            float64 // ratio of shares
	}{
		{"soundbars are about sound", "Soundbar S2", "E8N 65", "sound", 3},
		{"boxes are about apps", "Box 4S", "E8N 65", "app-casting", 1.6},
		{"85-inch sets need installation", "S Pro 85", "A7 Pro 55", "installation", 1.4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if a, b := share(c.model, c.topic), share(c.than, c.topic); a < c.atLeast*b {
				t.Errorf("%s: %s %.3f vs %s %.3f", c.topic, c.model, a, c.than, b)
			}
		})
	}
	if share("Soundbar S2", "display") != 0 {
		t.Error("soundbars have no display problems")
	}
}

func productByModel(model string) *Product {
	for i := range Products {
		if Products[i].Model == model {
			return &Products[i]
		}
	}
	return nil
}

// TestNightComplaints: at night and on holidays, new contacts are about
// complaint topics (wait-time, service-attitude) more often than by day.
func TestNightComplaints(t *testing.T) {
	r := newTestRand(9)
	for _, p := range Products {
		day, night := categoryWeights(p, false), categoryWeights(p, true)
		share := func(w weightedCats) float64 {
			n := 0
			for range 100_000 {
				if c := w.pick(r); c.Topic == "wait-time" || c.Topic == "service-attitude" {
					n++
				}
			}
			return float64(n) / 100_000
		}
		if ratio := share(night) / share(day); ratio < 1.23 || ratio > 1.7 {
			t.Errorf("%s: complaint topics night/day = %.2f, want at least +23%%", p.Model, ratio)
		}
	}
}

// TestFollowPhases: Live is called once, after the last message of the
// history and before the first one dated after it; Waiting once everything
// up to the clock is written, with a time in the future.
func TestFollowPhases(t *testing.T) {
	today := time.Now().In(Shanghai)
	cfg := smallConfig(1, 500, 1)
	// One day of history ending yesterday 00:00: yesterday's events and
	// today's since midnight come after Live without waiting.
	cfg.Start = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Shanghai).AddDate(0, 0, -2)
	end := cfg.Start.AddDate(0, 0, cfg.Days)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sink := &phaseSink{}
	var lives int
	var waitedFor time.Time
	opt := Options{Follow: true,
		Live: func() { lives++; sink.live = true },
		Waiting: func(next time.Time) {
			if waitedFor.IsZero() {
				waitedFor = next
			}
			cancel()
		}}
	if _, err := Run(ctx, cfg, sink, opt); err != nil {
		t.Fatal(err)
	}
	if lives != 1 {
		t.Fatalf("Live called %d times, want once", lives)
	}
	if sink.before == 0 || sink.after == 0 {
		t.Fatalf("%d messages before Live, %d after: want both", sink.before, sink.after)
	}
	if !sink.lastBefore.Before(end) || sink.firstAfter.Before(end) {
		t.Errorf("last message before Live at %s, first after at %s: the history ends %s", sink.lastBefore, sink.firstAfter, end)
	}
	if !waitedFor.After(time.Now().Add(-time.Second)) || sink.lastAfter.After(time.Now()) {
		t.Errorf("Waiting for %s, last message written dated %s: want a wait for the future and nothing written from it", waitedFor, sink.lastAfter)
	}
}

// phaseSink counts the valid messages written before and after Live.
type phaseSink struct {
	live                              bool
	before, after                     int
	lastBefore, firstAfter, lastAfter time.Time
}

func (s *phaseSink) Write(_ context.Context, topic string, key, value []byte) error {
	lim := pipeline.DefaultLimits()
	lim.MaxPast = 24 * time.Hour * 365
	ev, err := pipeline.Decode(topic, key, value, lim)
	if err != nil {
		return nil
	}
	at := ev.Env().OccurredAt
	if !s.live {
		s.before++
		s.lastBefore = at
		return nil
	}
	if s.after == 0 {
		s.firstAfter = at
	}
	s.after++
	s.lastAfter = at
	return nil
}

func (s *phaseSink) Close() error { return nil }

package dashboards

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// demoDays of generated history start on generate's default start date.
const demoDays = 14

// demoStart and demoEnd bound the generated history.
var (
	demoStart = generate.DefaultConfig().Start
	demoEnd   = demoStart.AddDate(0, 0, demoDays)
)

// sinkToClickHouse decodes, enriches and writes generated messages straight
// into ClickHouse through the pipeline's own sink, as voc run would.
type sinkToClickHouse struct {
	ctx    context.Context
	sink   *chsink.Sink
	enr    pipeline.Enricher
	batch  []pipeline.Record
	offset int64
}

func (s *sinkToClickHouse) Write(ctx context.Context, topic string, key, value []byte) error {
	s.offset++
	msg := pipeline.Message{Topic: topic, Key: key, Value: value, Offset: s.offset}
	ev, err := pipeline.Decode(topic, key, value, pipeline.DefaultLimits())
	if err != nil {
		return fmt.Errorf("generated message does not decode: %w", err)
	}
	s.batch = append(s.batch, pipeline.Record{Msg: msg, Event: ev})
	if len(s.batch) >= 20000 {
		return s.flush(ctx)
	}
	return nil
}

func (s *sinkToClickHouse) flush(ctx context.Context) error {
	if len(s.batch) == 0 {
		return nil
	}
	// Enrich on every core, as voc run's worker pool does.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(s.batch); i = int(next.Add(1) - 1) {
				if ev := s.batch[i].Event; len(ev.Texts()) > 0 {
					s.batch[i].Enrichment = pipeline.EnrichEvent(s.enr, ev)
				}
			}
		})
	}
	wg.Wait()
	err := s.sink.Write(ctx, s.batch)
	s.batch = s.batch[:0]
	return err
}

func (s *sinkToClickHouse) Close() error { return s.flush(s.ctx) }

var (
	enricherOnce sync.Once
	enricher     pipeline.Enricher
	enricherErr  error
)

// loadGenerated fills db with contactsPerDay x demoDays of generated,
// enriched history.
func loadGenerated(t testing.TB, db *testenv.DB, contactsPerDay int) *generate.Summary {
	t.Helper()
	enricherOnce.Do(func() { enricher, enricherErr = enrich.New(enrich.Full) })
	if enricherErr != nil {
		t.Fatal(enricherErr)
	}
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = demoDays, contactsPerDay
	ctx := context.Background()
	t0 := time.Now()
	sum, err := generate.Run(ctx, cfg, &sinkToClickHouse{ctx: ctx, sink: chsink.NewSink(db.Conn), enr: enricher}, generate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d days x %d contacts/day of generated history in %s", cfg.Days, cfg.ContactsPerDay, time.Since(t0).Round(time.Millisecond))
	return sum
}

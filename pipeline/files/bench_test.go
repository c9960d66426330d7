package files_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline/enrich"
	"github.com/voc-analytics/voc/pipeline/files"
)

// BenchmarkBackfill loads generated history (voc generate --to jsonl: 2
// days x 3000 contacts, about 120 k events of the four streams) with text
// enrichment off and on, into a fresh database each time, and reports
// events/s (lines/s, rejects included; the generator writes none).
func BenchmarkBackfill(b *testing.B) {
	dir := b.TempDir()
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay = 2, 3000
	sink, err := generate.NewJSONLSink(dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := generate.Run(context.Background(), cfg, sink, generate.Options{}); err != nil { // closes the sink
		b.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var size int64
	for _, p := range paths {
		st, _ := os.Stat(p)
		size += st.Size()
	}
	for _, mode := range []string{enrich.None, enrich.Full} {
		b.Run("enrich="+mode, func(b *testing.B) {
			en, err := enrich.New(mode)
			if err != nil {
				b.Fatal(err)
			}
			var lines int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := testenv.NewDB(b)
				c := files.DefaultConfig()
				c.Paths, c.Enricher = paths, en
				b.StartTimer()
				sum, err := files.Backfill(context.Background(), db.Conn, c)
				if err != nil {
					b.Fatal(err)
				}
				lines = sum.Lines
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(lines)/secs, "events/s")
			b.ReportMetric(float64(size)/secs/1e6, "MB/s")
			b.ReportMetric(float64(lines), "events")
		})
	}
}

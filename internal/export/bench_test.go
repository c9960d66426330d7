package export_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/export"
	"github.com/voc-analytics/voc/internal/testenv"
)

// benchQuery makes n rows shaped like voc's messages table (time with zone,
// LowCardinality, arrays, a nullable, Chinese text) on the server, so the
// benchmark measures the export and not an insert.
func benchQuery(n int) string {
	return fmt.Sprintf(`SELECT
	concat('ev-', toString(number)) AS event_id,
	concat('c-', toString(intDiv(number, 6))) AS contact_id,
	toDateTime64('2026-11-02 09:30:00', 3, 'Asia/Shanghai') + toIntervalMillisecond(number * 250) AS occurred_at,
	CAST(['customer', 'agent', 'bot'][number %% 3 + 1] AS LowCardinality(String)) AS sender,
	CAST(['app', 'phone', 'wechat', 'web'][number %% 4 + 1] AS LowCardinality(String)) AS channel,
	concat('电视遥控器没反应，已经换了电池 #', toString(number)) AS text,
	CAST(arraySlice(['遥控器', '电池', '蓝牙'], 1, number %% 4) AS Array(LowCardinality(String))) AS topics,
	toFloat32((number %% 200) / 100 - 1) AS sentiment_score,
	if(number %% 5 = 0, NULL, toUInt8(number %% 6)) AS csat,
	toInt64(number) AS kafka_offset
FROM numbers(%d)`, n)
}

// BenchmarkExport streams 1 M and 10 M rows to each format and reports
// rows/s, MB/s (bytes received from ClickHouse) and the peak Go heap during
// the export, which must not grow with the row count.
func BenchmarkExport(b *testing.B) {
	db := testenv.NewDB(b)
	// As the read-only analyst, as voc export runs (its profile has no cap
	// on result rows; docs/clickhouse-users.sql).
	c := &export.Client{BaseURL: "http://" + db.Server.HTTPAddr, Database: db.Name, User: db.Server.Analyst.User, Password: db.Server.Analyst.Password}
	for _, n := range []int{1_000_000, 10_000_000} {
		for _, format := range []export.Format{export.Parquet, export.Arrow, export.CSV} {
			b.Run(fmt.Sprintf("rows=%dM/%s", n/1_000_000, format), func(b *testing.B) {
				var st export.Stats
				peak := watchHeap()
				for i := 0; i < b.N; i++ {
					var err error
					st, err = export.Write(context.Background(), c, export.Request{SQL: benchQuery(n)}, io.Discard, export.Options{Format: format})
					if err != nil {
						b.Fatal(err)
					}
				}
				peakBytes := peak()
				secs := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(st.Rows)/secs, "rows/s")
				b.ReportMetric(float64(st.BytesIn)/secs/1e6, "MB-in/s")
				b.ReportMetric(float64(st.BytesOut)/secs/1e6, "MB-out/s")
				b.ReportMetric(float64(peakBytes)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// watchHeap samples the live heap every 10 ms until the returned function
// is called, which returns the largest value seen.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

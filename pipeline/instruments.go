package pipeline

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the runner's Prometheus instruments (how the pipeline runs;
// the business metrics analysts read are the metrics package's).
type Metrics struct {
	Consumed     *prometheus.CounterVec // topic
	Written      *prometheus.CounterVec // topic
	Rejected     *prometheus.CounterVec // topic, reason
	BatchSize    prometheus.Histogram   // records per flush
	FlushSeconds prometheus.Histogram   // time to write + dead-letter + commit
	WriteErrors  prometheus.Counter     // failed sink writes
	Retries      *prometheus.CounterVec // stage: write|deadletter|commit
	Lag          *prometheus.GaugeVec   // topic, partition
	Committed    *prometheus.GaugeVec   // topic, partition: last committed offset
	Flushes      prometheus.Counter
}

// NewMetrics creates the instruments and registers them with reg (may be nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Consumed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_events_consumed_total", Help: "Messages fetched from Kafka."}, []string{"topic"}),
		Written:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_events_written_total", Help: "Events written to ClickHouse."}, []string{"topic"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_events_rejected_total", Help: "Messages rejected to the dead-letter topic and rejects table."}, []string{"topic", "reason"}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "voc_batch_size", Help: "Records per flushed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}),
		FlushSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "voc_flush_duration_seconds", Help: "Time to write, dead-letter and commit one batch.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		WriteErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "voc_clickhouse_insert_errors_total", Help: "Failed batch writes to ClickHouse (each is retried)."}),
		Retries:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_retries_total", Help: "Retries by stage."}, []string{"stage"}),
		Lag:         prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "voc_consumer_lag", Help: "Messages behind the partition's high-water mark at the last fetch."}, []string{"topic", "partition"}),
		Committed:   prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "voc_committed_offset", Help: "Last committed offset per partition."}, []string{"topic", "partition"}),
		Flushes:     prometheus.NewCounter(prometheus.CounterOpts{Name: "voc_flushes_total", Help: "Batches flushed."}),
	}
	if reg != nil {
		reg.MustRegister(m.Consumed, m.Written, m.Rejected, m.BatchSize, m.FlushSeconds, m.WriteErrors, m.Retries, m.Lag, m.Committed, m.Flushes)
	}
	return m
}

func partitionLabel(p int) string { return strconv.Itoa(p) }

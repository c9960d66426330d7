package clickhouse_test

import (
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/voc-analytics/voc/pipeline"
)

func testutilValue(m *pipeline.Metrics, topic string) float64 {
	return testutil.ToFloat64(m.Consumed.WithLabelValues(topic))
}

func written(m *pipeline.Metrics) int {
	var n float64
	for _, topic := range pipeline.InputTopics {
		n += testutil.ToFloat64(m.Written.WithLabelValues(topic))
		for _, r := range pipeline.Reasons {
			n += testutil.ToFloat64(m.Rejected.WithLabelValues(topic, string(r)))
		}
	}
	return int(n)
}

func testutilRetries(m *pipeline.Metrics) float64 {
	return testutil.ToFloat64(m.Retries.WithLabelValues("write"))
}

func testutilRejected(m *pipeline.Metrics, topic string, reason pipeline.Reason) float64 {
	return testutil.ToFloat64(m.Rejected.WithLabelValues(topic, string(reason)))
}

package waf

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func counterValue(t *testing.T, e *Engine, aclARN, metric, action string) float64 {
	t.Helper()
	return testutil.ToFloat64(e.metrics.requests.WithLabelValues(aclARN, metric, action))
}

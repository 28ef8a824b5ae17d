package triggers

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count trigger invocations by trigger and outcome.
type metrics struct {
	invocations *prometheus.CounterVec
	duration    *prometheus.HistogramVec
}

// newMetrics registers on reg; a nil reg means no metrics (nil *metrics).
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "moat_userpool_trigger_invocations_total",
			Help: "User-pool trigger invocations, by trigger (the LambdaConfig key) and outcome."}, []string{"trigger", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "moat_userpool_trigger_duration_seconds",
			Help:    "How long user-pool trigger invocations took, retries included, by trigger.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15}}, []string{"trigger"}),
	}
	for _, c := range []prometheus.Collector{m.invocations, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) invoked(trigger string, o outcome, took time.Duration) {
	if m == nil {
		return
	}
	m.invocations.WithLabelValues(trigger, string(o)).Inc()
	m.duration.WithLabelValues(trigger).Observe(took.Seconds())
}

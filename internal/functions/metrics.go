package functions

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are Lambda's per-function CloudWatch metrics, as Prometheus
// series labelled by function.
type metrics struct {
	invocations, errors, throttles, coldStarts *prometheus.CounterVec
	duration                                   *prometheus.HistogramVec
	concurrent                                 *prometheus.GaugeVec
}

// newMetrics registers on reg; a nil reg means no metrics (nil *metrics).
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	label := []string{"function"}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, label)
	}
	m := &metrics{
		invocations: counter("moat_function_invocations_total", "Function invocations that ran (or tried to), by function."),
		errors:      counter("moat_function_errors_total", "Invocations that ended in a handler error, a timeout or a crash, by function."),
		throttles:   counter("moat_function_throttles_total", "Invocations refused for reserved or global concurrency, by function."),
		coldStarts:  counter("moat_function_cold_starts_total", "Invocations that started a new worker, by function."),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "moat_function_duration_seconds", Help: "How long invocations took, cold starts included, by function.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, label),
		concurrent: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "moat_function_concurrent_executions", Help: "Invocations running now on this replica, by function.",
		}, label),
	}
	for _, c := range []prometheus.Collector{m.invocations, m.errors, m.throttles, m.coldStarts, m.duration, m.concurrent} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// series are one function's metrics, looked up once (by its pool) rather
// than by label on every invocation; nil when nothing is counted.
type series struct {
	invocations, errors, throttles, coldStarts prometheus.Counter
	duration                                   prometheus.Observer
	concurrent                                 prometheus.Gauge
}

func (m *metrics) series(function string) *series {
	if m == nil {
		return nil
	}
	return &series{
		invocations: m.invocations.WithLabelValues(function), errors: m.errors.WithLabelValues(function),
		throttles: m.throttles.WithLabelValues(function), coldStarts: m.coldStarts.WithLabelValues(function),
		duration: m.duration.WithLabelValues(function), concurrent: m.concurrent.WithLabelValues(function),
	}
}

func (s *series) invoked(took time.Duration, failed bool) {
	if s == nil {
		return
	}
	s.invocations.Inc()
	s.duration.Observe(took.Seconds())
	if failed {
		s.errors.Inc()
	}
}

func (s *series) throttle() {
	if s != nil {
		s.throttles.Inc()
	}
}

func (s *series) coldStart() {
	if s != nil {
		s.coldStarts.Inc()
	}
}

func (s *series) concurrency(n int) {
	if s != nil {
		s.concurrent.Set(float64(n))
	}
}

package iamapi

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts IAM query requests by action. Unknown actions are counted
// under "unknown" so a client cannot grow the label set without bound.
type Metrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers moat_iam_* metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_iam_requests_total",
			Help: "IAM query API requests by action and HTTP status.",
		}, []string{"action", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_iam_errors_total",
			Help: "IAM query API error answers by action and error code.",
		}, []string{"action", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "moat_iam_request_duration_seconds",
			Help:    "Time to answer IAM query API requests.",
			Buckets: prometheus.DefBuckets,
		}, []string{"action"}),
	}
	reg.MustRegister(m.requests, m.errors, m.latency)
	return m
}

func (m *Metrics) observe(action string, status int, code string, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(action, strconv.Itoa(status)).Inc()
	if code != "" {
		m.errors.WithLabelValues(action, code).Inc()
	}
	m.latency.WithLabelValues(action).Observe(took.Seconds())
}

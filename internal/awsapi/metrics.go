package awsapi

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts requests to moat's AWS-shaped APIs (JSON 1.1, and the IAM
// query protocol) by service (the signing name) and operation. Unknown
// operations are counted as "unknown" so a client cannot grow the label set
// without bound.
type Metrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers moat_aws_* metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_aws_requests_total",
			Help: "AWS API requests by service, operation and HTTP status.",
		}, []string{"service", "operation", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_aws_errors_total",
			Help: "AWS API error answers by service, operation and error code.",
		}, []string{"service", "operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "moat_aws_request_duration_seconds",
			Help:    "Time to answer AWS API requests.",
			Buckets: prometheus.DefBuckets,
		}, []string{"service", "operation"}),
	}
	reg.MustRegister(m.requests, m.errors, m.latency)
	return m
}

// Observe counts one answered request.
func (m *Metrics) Observe(service, operation string, status int, code string, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(service, operation, strconv.Itoa(status)).Inc()
	if code != "" {
		m.errors.WithLabelValues(service, operation, code).Inc()
	}
	m.latency.WithLabelValues(service, operation).Observe(took.Seconds())
}

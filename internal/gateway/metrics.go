package gateway

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the gateway's Prometheus series, by API and route key.
type metrics struct {
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	integration *prometheus.HistogramVec
}

// routeMetrics are one route's series, resolved at load so a request only
// increments.
type routeMetrics struct {
	byClass     [5]prometheus.Counter // 1xx … 5xx
	latency     prometheus.Observer
	integration prometheus.Observer
}

var statusClasses = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_gateway_requests_total",
			Help: "Gateway requests by API, route key and status class.",
		}, []string{"api", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "moat_gateway_request_duration_seconds",
			Help:    "Time from request to the gateway's answer, by API and route key.",
			Buckets: prometheus.DefBuckets,
		}, []string{"api", "route"}),
		integration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "moat_gateway_integration_duration_seconds",
			Help:    "Time spent in integrations (backends, mocks), by API and route key.",
			Buckets: prometheus.DefBuckets,
		}, []string{"api", "route"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.latency, m.integration} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *metrics) route(api, route string) routeMetrics {
	rm := routeMetrics{
		latency:     m.latency.WithLabelValues(api, route),
		integration: m.integration.WithLabelValues(api, route),
	}
	for i, class := range statusClasses {
		rm.byClass[i] = m.requests.WithLabelValues(api, route, class)
	}
	return rm
}

func (rm *routeMetrics) observe(status int, latency, integration time.Duration) {
	if class := status/100 - 1; class >= 0 && class < len(rm.byClass) {
		rm.byClass[class].Inc()
	}
	rm.latency.Observe(latency.Seconds())
	if integration > 0 {
		rm.integration.Observe(integration.Seconds())
	}
}

package authorizer

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the Lambda authorizers' series, by API and authorizer. They
// are made once per process: authorizers are rebuilt on every reload.
type Metrics struct {
	cache       *prometheus.CounterVec
	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
}

// NewMetrics makes the series and registers them with reg (nil: none).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_gateway_authorizer_cache_total",
			Help: "Lambda authorizer result-cache lookups, by API, authorizer and result (hit, miss).",
		}, []string{"api", "authorizer", "result"}),
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_gateway_authorizer_invocations_total",
			Help: "Lambda authorizer function invocations, by API and authorizer.",
		}, []string{"api", "authorizer"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_gateway_authorizer_errors_total",
			Help: "Lambda authorizer invocations that failed, timed out or answered out of shape (500s), by API and authorizer.",
		}, []string{"api", "authorizer"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.cache, m.invocations, m.errors} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// lambdaCounters are one authorizer's series, resolved at build.
type lambdaCounters struct {
	hits, misses, invocations, errors prometheus.Counter
}

func (m *Metrics) forAuthorizer(api, name string) lambdaCounters {
	return lambdaCounters{
		hits:        m.cache.WithLabelValues(api, name, "hit"),
		misses:      m.cache.WithLabelValues(api, name, "miss"),
		invocations: m.invocations.WithLabelValues(api, name),
		errors:      m.errors.WithLabelValues(api, name),
	}
}

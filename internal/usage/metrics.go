package usage

import "github.com/prometheus/client_golang/prometheus"

// Outcomes counted per plan and key.
const (
	outcomeAllowed   = "allowed"
	outcomeThrottled = "throttled"
	outcomeOverQuota = "over_quota"
	outcomeInvalid   = "invalid_api_key"
)

type metrics struct {
	requests *prometheus.CounterVec
}

// newMetrics registers on reg; a nil reg means no metrics (nil *metrics).
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "moat_usage_plan_requests_total",
		Help: "Gateway requests checked against usage plans, by plan, API key ID and outcome.",
	}, []string{"plan", "key", "outcome"})}
	if err := reg.Register(m.requests); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *metrics) count(planID, keyID, outcome string) {
	if m != nil {
		m.requests.WithLabelValues(planID, keyID, outcome).Inc()
	}
}

package waf

import "github.com/prometheus/client_golang/prometheus"

// metrics are WAFv2's CloudWatch metrics as Prometheus series: requests
// each rule (by its MetricName) allowed, blocked or counted, per web ACL.
type metrics struct {
	requests      *prometheus.CounterVec
	counterErrors *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_waf_requests_total",
			Help: "Requests a WAF rule matched (or the default action took), by web ACL, rule metric name and action (ALLOW, BLOCK, COUNT).",
		}, []string{"web_acl", "metric", "action"}),
		counterErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "moat_waf_rate_counter_errors_total",
			Help: "Requests judged without their rate-based rules because the rate counter (Redis) failed, by web ACL.",
		}, []string{"web_acl"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.counterErrors} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

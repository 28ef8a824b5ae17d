package console

import (
	"strconv"

	dto "github.com/prometheus/client_model/go"
)

// routeStats is one route's traffic since moat started, from moat's own
// metrics (moat_gateway_requests_total and ..._request_duration_seconds):
// requests, client and server errors, mean latency and how latencies
// spread over the histogram's buckets.
type routeStats struct {
	Requests, ClientErrors, ServerErrors uint64
	MeanMS                               float64
	Latency                              barChart
}

// routeStatsOf reads the API's routes' series from families, by route key.
func routeStatsOf(families []*dto.MetricFamily, api string) map[string]*routeStats {
	out := map[string]*routeStats{}
	of := func(m *dto.Metric) (*routeStats, string, bool) {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["api"] != api {
			return nil, "", false
		}
		s, ok := out[labels["route"]]
		if !ok {
			s = &routeStats{}
			out[labels["route"]] = s
		}
		return s, labels["status"], true
	}
	for _, f := range families {
		switch f.GetName() {
		case "moat_gateway_requests_total":
			for _, m := range f.GetMetric() {
				s, class, ok := of(m)
				if !ok {
					continue
				}
				n := uint64(m.GetCounter().GetValue())
				s.Requests += n
				switch class {
				case "4xx":
					s.ClientErrors += n
				case "5xx":
					s.ServerErrors += n
				}
			}
		case "moat_gateway_request_duration_seconds":
			for _, m := range f.GetMetric() {
				if s, _, ok := of(m); ok {
					s.MeanMS, s.Latency = latencySpread(m.GetHistogram())
				}
			}
		}
	}
	return out
}

// latencySpread is a histogram's mean in milliseconds and its buckets as
// bars (the counts between one bound and the next, not cumulative).
func latencySpread(h *dto.Histogram) (float64, barChart) {
	var mean float64
	if h.GetSampleCount() > 0 {
		mean = h.GetSampleSum() / float64(h.GetSampleCount()) * 1000
	}
	var bars []bar
	var below uint64
	for _, b := range h.GetBucket() {
		n := b.GetCumulativeCount()
		bars = append(bars, bar{Label: "≤" + durationLabel(b.GetUpperBound()), Value: int64(n - below)})
		below = n
	}
	bars = append(bars, bar{Label: "more", Value: int64(h.GetSampleCount() - below)})
	return mean, drawBars(bars)
}

func durationLabel(seconds float64) string {
	if seconds < 1 {
		return strconv.FormatFloat(seconds*1000, 'f', -1, 64) + "ms"
	}
	return strconv.FormatFloat(seconds, 'f', -1, 64) + "s"
}

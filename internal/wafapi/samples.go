package wafapi

import (
	"context"
	"math"
	"time"

	"github.com/moat-dev/moat/internal/waf"
)

// timeWindow is WAFv2's TimeWindow; JSON 1.1 timestamps are epoch seconds.
type timeWindow struct {
	StartTime float64 `json:"StartTime"`
	EndTime   float64 `json:"EndTime"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func fromEpoch(s float64) time.Time {
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9))
}

type getSampledRequestsIn struct {
	WebAclArn      string `json:"WebAclArn"`
	RuleMetricName string `json:"RuleMetricName"`
	scoped
	TimeWindow timeWindow `json:"TimeWindow"`
	MaxItems   int        `json:"MaxItems"`
}

type label struct {
	Name string `json:"Name"`
}

type sampledRequest struct {
	Request                 waf.SampledHTTPRequest `json:"Request"`
	Weight                  int64                  `json:"Weight"`
	Timestamp               float64                `json:"Timestamp"`
	Action                  string                 `json:"Action"`
	RuleNameWithinRuleGroup string                 `json:"RuleNameWithinRuleGroup,omitempty"`
	RequestHeadersInserted  []waf.CustomHTTPHeader `json:"RequestHeadersInserted,omitempty"`
	ResponseCodeSent        int                    `json:"ResponseCodeSent,omitempty"`
	Labels                  []label                `json:"Labels,omitempty"`
	OverriddenAction        string                 `json:"OverriddenAction,omitempty"`
}

type getSampledRequestsOut struct {
	SampledRequests []sampledRequest `json:"SampledRequests"`
	PopulationSize  int64            `json:"PopulationSize"`
	TimeWindow      timeWindow       `json:"TimeWindow"`
}

func (h *handler) getSampledRequests(ctx context.Context, in *getSampledRequestsIn) (*getSampledRequestsOut, error) {
	end := fromEpoch(in.TimeWindow.EndTime)
	items, population, start, err := h.svc.SampledRequests(ctx, in.WebAclArn, in.RuleMetricName, fromEpoch(in.TimeWindow.StartTime), end, in.MaxItems)
	if err != nil {
		return nil, wafError(err)
	}
	out := &getSampledRequestsOut{SampledRequests: []sampledRequest{}, PopulationSize: population, TimeWindow: timeWindow{epoch(start), epoch(end)}}
	for _, s := range items {
		r := sampledRequest{Request: s.Request, Weight: s.Weight, Timestamp: epoch(s.Timestamp), Action: s.Action,
			RuleNameWithinRuleGroup: s.RuleNameWithinRuleGroup, RequestHeadersInserted: s.RequestHeadersInserted,
			ResponseCodeSent: s.ResponseCodeSent, OverriddenAction: s.OverriddenAction}
		for _, l := range s.Labels {
			r.Labels = append(r.Labels, label{l})
		}
		out.SampledRequests = append(out.SampledRequests, r)
	}
	return out, nil
}

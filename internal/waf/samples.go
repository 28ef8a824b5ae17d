package waf

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// SampledRequest is WAFv2's SampledHTTPRequest.
type SampledRequest struct {
	Request                 SampledHTTPRequest
	Weight                  int64
	Timestamp               time.Time
	Action                  string
	RuleNameWithinRuleGroup string
	RequestHeadersInserted  []CustomHTTPHeader
	ResponseCodeSent        int
	Labels                  []string
	OverriddenAction        string
}

// SampledHTTPRequest is WAFv2's HTTPRequest: what a sample shows of the
// request. Credentials are never kept: Authorization, Cookie and API key
// headers are shown with their value replaced.
type SampledHTTPRequest struct {
	ClientIP    string
	Country     string
	URI         string
	Method      string
	HTTPVersion string
	Headers     []CustomHTTPHeader
}

// Sampling keeps, per web ACL and metric name, the last ringSize samples,
// taking at most perMinute of them in any minute, and counts every match
// per minute for PopulationSize, over WAFv2's three-hour window.
const (
	ringSize        = 500
	perMinute       = 100
	sampleWindowMin = 180
)

const redacted = "<redacted>"

var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "X-Api-Key": true, "X-Amz-Security-Token": true}

type samples struct {
	mu    sync.Mutex
	rings map[[2]string]*sampleRing
}

func newSamples() *samples { return &samples{rings: map[[2]string]*sampleRing{}} }

// ring is the sample ring of one metric, kept across recompilations of
// the ACL so an update does not lose its samples.
func (s *samples) ring(aclARN, metric string) *sampleRing {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]string{aclARN, metric}
	r := s.rings[key]
	if r == nil {
		r = &sampleRing{}
		s.rings[key] = r
	}
	return r
}

type sampleRing struct {
	mu      sync.Mutex
	items   []SampledRequest // oldest first, at most ringSize
	minutes [sampleWindowMin]minuteCount
}

type minuteCount struct {
	minute  int64 // Unix minute
	matched int64
	sampled int64
}

func (r *sampleRing) offer(ev *evaluation, o outcome) {
	t := ev.now
	minute := t.Unix() / 60
	r.mu.Lock()
	defer r.mu.Unlock()
	m := &r.minutes[minute%sampleWindowMin]
	if m.minute != minute {
		*m = minuteCount{minute: minute}
	}
	m.matched++
	if m.sampled >= perMinute {
		return
	}
	m.sampled++
	if len(r.items) == ringSize {
		r.items = slices.Delete(r.items, 0, 1)
	}
	r.items = append(r.items, sampleOf(ev, o, t))
}

func sampleOf(ev *evaluation, o outcome, t time.Time) SampledRequest {
	req := ev.req
	s := SampledRequest{
		Request: SampledHTTPRequest{
			ClientIP:    addrString(req.ClientIP),
			URI:         req.Path,
			Method:      req.Method,
			HTTPVersion: req.Proto,
		},
		Weight:                  1,
		Timestamp:               t,
		Action:                  o.action.kind.String(),
		RuleNameWithinRuleGroup: o.groupRule,
		RequestHeadersInserted:  o.action.insert,
		Labels:                  slices.Clone(ev.labels),
		OverriddenAction:        o.overridden,
	}
	if o.action.response != nil {
		s.ResponseCodeSent = o.action.response.Status
	}
	if req.Host != "" {
		s.Request.Headers = append(s.Request.Headers, CustomHTTPHeader{Name: "Host", Value: req.Host})
	}
	names := make([]string, 0, len(req.Header))
	for n := range req.Header {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		for _, v := range req.Header[n] {
			if secretHeaders[http.CanonicalHeaderKey(n)] {
				v = redacted
			}
			s.Request.Headers = append(s.Request.Headers, CustomHTTPHeader{Name: n, Value: v})
		}
	}
	if req.RawQuery != "" {
		s.Request.URI += "?" + req.RawQuery
	}
	return s
}

// SampledRequests answers GetSampledRequests for one web ACL and metric:
// samples taken in [start, end) (start no earlier than three hours ago),
// at most max of them, newest kept, and how many requests matched in
// the minutes the window covers.
func (e *Engine) SampledRequests(aclARN, metric string, start, end time.Time, max int) (items []SampledRequest, population int64, windowStart time.Time) {
	if earliest := e.now().Add(-sampleWindowMin * time.Minute); start.Before(earliest) {
		start = earliest
	}
	e.samples.mu.Lock()
	r := e.samples.rings[[2]string{aclARN, metric}]
	e.samples.mu.Unlock()
	if r == nil {
		return nil, 0, start
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.items {
		if !s.Timestamp.Before(start) && s.Timestamp.Before(end) {
			items = append(items, s)
		}
	}
	if len(items) > max {
		items = items[len(items)-max:]
	}
	for _, m := range r.minutes {
		t := time.Unix(m.minute*60, 0)
		if m.matched > 0 && t.Add(time.Minute).After(start) && t.Before(end) {
			population += m.matched
		}
	}
	return items, population, start
}

package waf

import (
	"context"
	"strings"
	"sync"
	"time"
)

// evaluation is one request's pass through an ACL: the request, the labels
// rules have added so far, and parts parsed once on first use.
type evaluation struct {
	ctx    context.Context
	req    *Request
	now    time.Time
	labels []string

	query       []pair
	queryParsed bool
	cookies     []pair
	cookiesRead bool

	// countErr is the first error a rate counter returned; the request is
	// judged without that rule and the error reported.
	countErr error
}

var evaluations = sync.Pool{New: func() any { return &evaluation{labels: make([]string, 0, 8)} }}

func newEvaluation(ctx context.Context, r *Request, now time.Time) *evaluation {
	ev := evaluations.Get().(*evaluation)
	ev.ctx, ev.req, ev.now = ctx, r, now
	return ev
}

func (ev *evaluation) release() {
	*ev = evaluation{labels: ev.labels[:0], query: ev.query[:0], cookies: ev.cookies[:0]}
	evaluations.Put(ev)
}

func (ev *evaluation) queryArgs() []pair {
	if !ev.queryParsed {
		ev.query = splitPairs(ev.req.RawQuery, '&', false, ev.query)
		ev.queryParsed = true
	}
	return ev.query
}

func (ev *evaluation) cookieList() []pair {
	if !ev.cookiesRead {
		for _, line := range ev.req.Header.Values(cookieHeader) {
			ev.cookies = splitPairs(line, ';', true, ev.cookies)
		}
		ev.cookiesRead = true
	}
	return ev.cookies
}

// addLabel adds a fully qualified label once.
func (ev *evaluation) addLabel(l string) {
	for _, have := range ev.labels {
		if have == l {
			return
		}
	}
	ev.labels = append(ev.labels, l)
}

// queryArg is the value of the first query argument named name (compared
// without regard to case, as WAFv2 does); ok false when there is none.
func (ev *evaluation) queryArg(name string) (string, bool) {
	for _, p := range ev.queryArgs() {
		if strings.EqualFold(p.name, name) {
			return p.value, true
		}
	}
	return "", false
}

func (ev *evaluation) cookie(name string) (string, bool) {
	for _, p := range ev.cookieList() {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

package server

import "net/http"

// route claims the requests one protocol on the identity listener answers.
// The identity listener's root is shared by several AWS protocols told apart
// by the request itself, not the path: JSON 1.1 by X-Amz-Target, later the
// IAM query protocol by an Action= form body and API Gateway's REST paths.
type route struct {
	matches func(*http.Request) bool
	handler http.Handler
}

// dispatcher sends a request to the first route that claims it.
type dispatcher struct {
	routes   []route
	fallback http.Handler
}

func (d dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, rt := range d.routes {
		if rt.matches(r) {
			rt.handler.ServeHTTP(w, r)
			return
		}
	}
	d.fallback.ServeHTTP(w, r)
}

func hasAmzTarget(r *http.Request) bool { return r.Header.Get("X-Amz-Target") != "" }

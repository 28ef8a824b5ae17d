package server

import "net/http"

// Mount is one API on the identity listener. The listener's root is shared
// by several AWS protocols told apart by the request itself, not a path
// prefix: AWS JSON 1.1 by X-Amz-Target, the query protocol by an Action=
// form, REST-JSON by its paths. The awsapi handlers are mounts; so will be
// any other API the listener grows (a console, say).
type Mount interface {
	http.Handler
	// Matches claims the requests the mount answers.
	Matches(r *http.Request) bool
}

// dispatcher sends a request to the first mount that claims it.
type dispatcher struct {
	mounts    []Mount
	unclaimed http.Handler
}

func (d dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, m := range d.mounts {
		if m.Matches(r) {
			m.ServeHTTP(w, r)
			return
		}
	}
	d.unclaimed.ServeHTTP(w, r)
}

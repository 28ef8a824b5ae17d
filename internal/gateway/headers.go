package gateway

import (
	"net/http"
	"strings"
)

// Headers moat sets for a backend — verified claims, the caller's identity,
// injected secrets, mapped parameters — are trusted by backends, so a client
// must neither forge nor remove them:
//   - they are set after the proxy drops the headers a client's Connection
//     names (Request.BackendHeaders, which integrations apply last);
//   - client headers of the same name are removed, and so are those whose
//     name a backend might read as the same one (X_User_Id for X-User-Id:
//     CGI, PHP and WSGI servers turn dashes and underscores alike into "_").

// HeaderSetter is an integration that sets request headers of its own
// (injected secrets, parameter mappings); the gateway protects them as it
// protects claim headers.
type HeaderSetter interface {
	SetsHeaders() []string
}

// forwardingHeaders are set by the proxy from the connection; a client's
// spelled with underscores would pass for them.
var forwardingHeaders = []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded"}

// foldHeader is a header name as a backend that reads "_" as "-" sees it.
func foldHeader(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", "-"))
}

// protectedNames is the folded set of every header name in lists.
func protectedNames(lists ...[]string) map[string]bool {
	out := map[string]bool{}
	for _, list := range lists {
		for _, name := range list {
			out[foldHeader(name)] = true
		}
	}
	return out
}

// removeForgedHeaders drops the client's copies of the claim headers its API
// sets, and every client header spelled with underscores whose name folds to
// one the route sets. Names without "_" cost a byte scan.
func removeForgedHeaders(h http.Header, claimHeaders []string, protected map[string]bool) {
	for _, name := range claimHeaders {
		delete(h, name)
	}
	for name := range h {
		if strings.IndexByte(name, '_') >= 0 && protected[foldHeader(name)] {
			delete(h, name)
		}
	}
}

// ApplyBackendHeaders sets the headers moat decided on (claim headers) in h,
// a backend request's headers, replacing any of the same name. Integrations
// call it after hop-by-hop headers are removed, so a client's Connection
// header cannot name them away.
func (r *Request) ApplyBackendHeaders(h http.Header) {
	for name, values := range r.BackendHeaders {
		h[name] = values
	}
}

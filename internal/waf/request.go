package waf

import (
	"net/http"
	"net/netip"
	"strings"
)

// Request is what the WAF sees of a request: the parts WAFv2's
// statements inspect, already separated from however they were framed.
type Request struct {
	Method string
	// Path is the canonical path every gateway stage uses, so the WAF
	// judges the path the router and policies do.
	Path     string
	RawQuery string // as sent, without the '?'
	Proto    string // "HTTP/1.1", reported in samples
	// Host is the Host header, which net/http keeps out of Header.
	Host   string
	Header http.Header
	// Body is the body's first ACL.BodyLimit() bytes; BodyTruncated says
	// more followed (the body is "oversize" in WAFv2's terms). Callers
	// need to read it only when ACL.InspectsBody().
	Body          string
	BodyTruncated bool
	// ClientIP is the address the request came from: the connection's
	// peer, or the client a trusted proxy forwarded for.
	ClientIP netip.Addr
}

// cookieHeader is where cookies are read from.
const cookieHeader = "Cookie"

// pair is one name=value from a query string or the Cookie header, as sent.
type pair struct{ name, value string }

// splitPairs splits s at sep into name=value pairs; a part without '=' is
// a name with an empty value. Parts are not decoded: WAFv2 inspects what
// was sent, and URL_DECODE is a transformation the rule asks for.
func splitPairs(s string, sep byte, trimSpace bool, into []pair) []pair {
	for len(s) > 0 {
		part := s
		if i := strings.IndexByte(s, sep); i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if trimSpace {
			part = strings.Trim(part, " \t")
		}
		if part == "" {
			continue
		}
		name, value := part, ""
		if i := strings.IndexByte(part, '='); i >= 0 {
			name, value = part[:i], part[i+1:]
		}
		into = append(into, pair{name, value})
	}
	return into
}

// View is the Request the WAF sees of r: path is the canonical path the
// caller routes by, client the address the request came from, and body
// what was read of the body; more than limit bytes makes it oversize.
func View(r *http.Request, path string, client netip.Addr, body []byte, limit int) *Request {
	v := &Request{Method: r.Method, Path: path, RawQuery: r.URL.RawQuery, Proto: r.Proto, Host: r.Host, Header: r.Header, ClientIP: client}
	if len(body) > limit {
		body, v.BodyTruncated = body[:limit], true
	}
	v.Body = string(body)
	return v
}

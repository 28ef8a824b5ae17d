package integration

import (
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

// hopHeaders belong to one connection and are never forwarded (RFC 9110
// 7.6.1), as httputil.ReverseProxy drops them; so are the forwarding
// headers a client sent, which the proxy sets itself.
var hopHeaders = map[string]bool{
	"Connection": true, "Proxy-Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

var clientForwardingHeaders = map[string]bool{
	"Forwarded": true, "X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true,
}

// fillOutboundHeader makes out (empty) in without hop-by-hop headers,
// those in's Connection names, and the client's forwarding headers: what
// ReverseProxy hands its Rewrite hook, copied in one pass into values'
// backing array, which it returns grown as it needed.
func fillOutboundHeader(out http.Header, values []string, in http.Header) []string {
	total := 0
	for _, vv := range in {
		total += len(vv)
	}
	values = slices.Grow(values[:0], total)[:total]
	rest := values
	for name, vv := range in {
		if hopHeaders[name] || clientForwardingHeaders[name] {
			continue
		}
		n := copy(rest, vv)
		out[name], rest = rest[:n:n], rest[n:]
	}
	for _, name := range connectionNamed(in) {
		delete(out, name)
	}
	if asksTrailers(in) {
		out["Te"] = trailersTE // the client can take trailers, so the backend may send them
	}
	if _, ok := out["User-Agent"]; !ok {
		out["User-Agent"] = nil // a client without one: the backend sees none, not Go's
	}
	return values
}

// trailersTE is the Te header asking for trailers; shared, never modified.
var trailersTE = []string{"trailers"}

// connectionNamed are the headers h's Connection header names (canonical):
// they are hop-by-hop too.
func connectionNamed(h http.Header) []string {
	var names []string
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				names = append(names, textproto.CanonicalMIMEHeaderKey(name))
			}
		}
	}
	return names
}

func asksTrailers(h http.Header) bool {
	for _, v := range h["Te"] {
		for te := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(te), "trailers") {
				return true
			}
		}
	}
	return false
}

// shape makes out — a copy of in whose hop-by-hop and forwarding headers
// are gone — the backend's request: target URL, method, X-Forwarded-*,
// mapped parameters and injected secrets, and the headers moat decided on
// (claims) last, replacing any a client sent.
// fwd holds the three X-Forwarded-* values.
func (p *proxy) shape(out, in *http.Request, req *gateway.Request, target *url.URL, fwd *[3]string) {
	req.ApplyBackendHeaders(out.Header)
	out.URL = target
	out.Host = ""
	if p.path != nil {
		v := p.path.source.value(req)
		if !strings.HasPrefix(v, "/") {
			v = "/" + v
		}
		out.URL.Path, out.URL.RawPath = v, ""
	}
	switch {
	case in.URL.RawQuery == "":
	case out.URL.RawQuery == "":
		out.URL.RawQuery = in.URL.RawQuery
	default:
		out.URL.RawQuery += "&" + in.URL.RawQuery
	}
	if p.method != "" {
		out.Method = p.method
	}
	setForwarded(out.Header, in, fwd)
	for i := range p.headers {
		p.headers[i].applyHeader(out.Header, req)
	}
	if p.hasQuery {
		q := out.URL.Query()
		for i := range p.queries {
			p.queries[i].applyQuery(q, req)
		}
		for _, s := range p.secrets {
			if s.in == "query" {
				q.Set(s.name, s.value) // replaces any client-sent value
			}
		}
		out.URL.RawQuery = q.Encode()
	}
	for _, s := range p.secrets {
		if s.in == "header" {
			out.Header[s.name] = []string{s.value} // replaces any client-sent value
		}
	}
}

// setForwarded is httputil.ProxyRequest.SetXForwarded: the client's
// X-Forwarded-For with its address appended, the Host it asked for, and the
// scheme it used, in values.
func setForwarded(h http.Header, in *http.Request, values *[3]string) {
	if ip, _, err := net.SplitHostPort(in.RemoteAddr); err == nil {
		if prior := in.Header["X-Forwarded-For"]; len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		values[0] = ip
		h["X-Forwarded-For"] = values[0:1:1]
	} else {
		delete(h, "X-Forwarded-For")
	}
	values[1] = in.Host
	h["X-Forwarded-Host"] = values[1:2:2]
	values[2] = "http"
	if in.TLS != nil {
		values[2] = "https"
	}
	h["X-Forwarded-Proto"] = values[2:3:3]
}

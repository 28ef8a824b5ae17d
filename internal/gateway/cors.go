package gateway

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// corsPolicy is an API's CORS configuration, compiled. As with HTTP APIs,
// the gateway answers preflights itself, replaces any CORS headers a
// backend sends, and gives a disallowed origin no CORS headers at all (its
// preflight still gets 204, which the browser then refuses).
type corsPolicy struct {
	anyOrigin   bool
	origins     []string // exact origins
	wildcards   []wildcardOrigin
	anyMethod   bool
	methods     []string
	methodList  string
	anyHeader   bool
	headers     []string // lower case
	headerList  string
	exposeList  string
	maxAge      string
	credentials bool
}

// maxEchoed bounds what the gateway copies from a request into a response
// header (the origin, the requested method and headers a preflight echoes),
// so no client can make it send a huge header. Real values are far shorter.
const maxEchoed = 1 << 10

// wildcardOrigin is https://*.example.com: any subdomain, same scheme.
type wildcardOrigin struct{ prefix, suffix string }

func newCORSPolicy(c *CORS) *corsPolicy {
	if c == nil {
		return nil
	}
	p := &corsPolicy{credentials: c.AllowCredentials, exposeList: strings.Join(c.ExposeHeaders, ",")}
	for _, o := range c.AllowOrigins {
		switch {
		case o == "*":
			p.anyOrigin = true
		case strings.Contains(o, "://*."):
			scheme, domain, _ := strings.Cut(o, "*")
			p.wildcards = append(p.wildcards, wildcardOrigin{strings.ToLower(scheme), strings.ToLower(domain)})
		default:
			p.origins = append(p.origins, strings.ToLower(o))
		}
	}
	for _, m := range c.AllowMethods {
		if m == "*" {
			p.anyMethod = true
		}
		p.methods = append(p.methods, strings.ToUpper(m))
	}
	p.methodList = strings.Join(p.methods, ",")
	for _, h := range c.AllowHeaders {
		if h == "*" {
			p.anyHeader = true
		}
		p.headers = append(p.headers, strings.ToLower(h))
	}
	p.headerList = strings.Join(c.AllowHeaders, ",")
	if c.MaxAge > 0 {
		p.maxAge = strconv.Itoa(c.MaxAge)
	}
	return p
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

func (p *corsPolicy) allowsOrigin(origin string) bool {
	if origin == "" || len(origin) > maxEchoed {
		return false
	}
	if p.anyOrigin {
		return true
	}
	o := strings.ToLower(origin)
	if slices.Contains(p.origins, o) {
		return true
	}
	for _, w := range p.wildcards {
		if len(o) > len(w.prefix)+len(w.suffix) && strings.HasPrefix(o, w.prefix) && strings.HasSuffix(o, w.suffix) &&
			!strings.ContainsAny(o[len(w.prefix):len(o)-len(w.suffix)], "/:") {
			return true
		}
	}
	return false
}

func (p *corsPolicy) answerPreflight(w http.ResponseWriter, r *http.Request, origin string) {
	method := r.Header.Get("Access-Control-Request-Method")
	requested := r.Header.Get("Access-Control-Request-Headers")
	if p.allowsOrigin(origin) && p.allowsMethod(method) && p.allowsHeaders(requested) {
		h := w.Header()
		p.setOrigin(h, origin)
		if p.anyMethod {
			h.Set("Access-Control-Allow-Methods", method)
		} else if p.methodList != "" {
			h.Set("Access-Control-Allow-Methods", p.methodList)
		}
		if p.anyHeader && requested != "" {
			h.Set("Access-Control-Allow-Headers", requested)
		} else if p.headerList != "" {
			h.Set("Access-Control-Allow-Headers", p.headerList)
		}
		if p.maxAge != "" {
			h.Set("Access-Control-Max-Age", p.maxAge)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *corsPolicy) allowsMethod(method string) bool {
	if len(method) > maxEchoed {
		return false
	}
	return p.anyMethod || slices.Contains(p.methods, strings.ToUpper(method))
}

func (p *corsPolicy) allowsHeaders(requested string) bool {
	switch {
	case len(requested) > maxEchoed:
		return false
	case p.anyHeader || requested == "":
		return true
	}
	for name := range strings.SplitSeq(requested, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" && !slices.Contains(p.headers, name) {
			return false
		}
	}
	return true
}

// decorate replaces a response's CORS headers with the API's.
func (p *corsPolicy) decorate(h http.Header, origin string) {
	for name := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			delete(h, name)
		}
	}
	if !p.allowsOrigin(origin) {
		return
	}
	p.setOrigin(h, origin)
	if p.exposeList != "" {
		h.Set("Access-Control-Expose-Headers", p.exposeList)
	}
}

// setOrigin never answers * to a credentialed request: browsers refuse it.
func (p *corsPolicy) setOrigin(h http.Header, origin string) {
	if p.anyOrigin && !p.credentials {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	if p.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

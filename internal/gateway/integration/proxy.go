package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

const defaultTimeout = 29 * time.Second

// integrationTimeout is timeoutMillis as API Gateway bounds it: 50 ms to
// 30 s; 0 is the default, 29 s.
func integrationTimeout(millis int) (time.Duration, error) {
	switch {
	case millis == 0:
		return defaultTimeout, nil
	case millis < 50 || millis > 30000:
		return 0, fmt.Errorf("timeoutMillis %d is not between 50 and 30000", millis)
	}
	return time.Duration(millis) * time.Millisecond, nil
}

// proxy is an http_proxy integration.
type proxy struct {
	uri      uriTemplate
	method   string // "": the client's
	timeout  time.Duration
	headers  []mapping
	queries  []mapping
	path     *mapping // overwrite:path
	secrets  []secret
	rp       *httputil.ReverseProxy
	conns    *backendConns // the lean path's connections; nil: mTLS, ReverseProxy only
	hasQuery bool          // query mappings or query secrets: the query is rebuilt
}

// call carries one request's state from Serve into the ReverseProxy hooks.
type call struct {
	req    *gateway.Request
	target *url.URL
	timer  *time.Timer
	err    error
}

type callKey struct{}

var errTimedOut = errors.New("integration timed out")

func (b *Builder) newProxy(c gateway.HTTPProxySettings) (*proxy, error) {
	timeout, err := integrationTimeout(c.TimeoutMillis)
	if err != nil {
		return nil, err
	}
	p := &proxy{timeout: timeout}
	if m := strings.ToUpper(c.HTTPMethod); m != "" && m != "ANY" {
		p.method = m
	}
	if p.secrets, err = loadSecrets(c.Secrets); err != nil {
		return nil, err
	}
	if p.uri, err = parseURI(c.URI, p.secrets); err != nil {
		return nil, err
	}
	for _, s := range p.secrets {
		if s.in == "path" && !p.uri.hasSecret(s.name) {
			return nil, fmt.Errorf("path secret %q names no {%s} in the uri", s.name, s.name)
		}
		p.hasQuery = p.hasQuery || s.in == "query"
	}
	mappings, err := parseMappings(c.RequestParameters)
	if err != nil {
		return nil, err
	}
	for i := range mappings {
		switch mappings[i].target {
		case "header":
			p.headers = append(p.headers, mappings[i])
		case "querystring":
			p.queries = append(p.queries, mappings[i])
			p.hasQuery = true
		case "path":
			p.path = &mappings[i]
		}
	}
	transport, err := b.transport(c.ClientCertificate)
	if err != nil {
		return nil, err
	}
	if c.ClientCertificate == nil {
		p.conns = b.conns
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      transport,
		BufferPool:     buffers,
		ModifyResponse: stopTimer,
		ErrorHandler:   p.failed,
	}
	return p, nil
}

func (t *uriTemplate) hasSecret(name string) bool {
	for _, p := range t.parts {
		if p.kind == secretPart && p.text == name {
			return true
		}
	}
	return false
}

// Serve proxies the request, on the lean path (forward.go) when it can.
// The timeout bounds the wait for the backend's response headers; a
// streamed body may then take as long as it takes.
func (p *proxy) Serve(w http.ResponseWriter, req *gateway.Request) error {
	target, err := url.Parse(p.uri.expandFor(req, p.secrets))
	if err != nil {
		return &gateway.Error{Type: gateway.BadRequestParameters, Message: "Bad request parameters"}
	}
	if p.leanEligible(req.HTTP, target) {
		return p.forward(w, req, target)
	}
	ctx, cancel := context.WithCancelCause(req.HTTP.Context())
	defer cancel(nil)
	c := &call{req: req, target: target}
	c.timer = time.AfterFunc(p.timeout, func() { cancel(errTimedOut) })
	defer c.timer.Stop()
	p.rp.ServeHTTP(w, req.HTTP.WithContext(context.WithValue(ctx, callKey{}, c)))
	return c.err
}

func callOf(r *http.Request) *call { return r.Context().Value(callKey{}).(*call) }

// rewrite is ReverseProxy's hook: pr.Out has already lost its hop-by-hop
// and forwarding headers.
func (p *proxy) rewrite(pr *httputil.ProxyRequest) {
	c := callOf(pr.In)
	p.shape(pr.Out, pr.In, c.req, c.target, new([3]string))
}

// SetsHeaders names the headers this integration writes on backend
// requests, for the gateway to protect from look-alike client headers.
func (p *proxy) SetsHeaders() []string {
	var names []string
	for _, m := range p.headers {
		if m.action != "remove" {
			names = append(names, m.name)
		}
	}
	for _, s := range p.secrets {
		if s.in == "header" {
			names = append(names, s.name)
		}
	}
	return names
}

func stopTimer(res *http.Response) error {
	callOf(res.Request).timer.Stop()
	return nil
}

// failed records why the backend gave no response. The message is generic:
// a transport error can quote the URL, which may hold an injected secret.
func (p *proxy) failed(_ http.ResponseWriter, r *http.Request, err error) {
	c := callOf(r)
	if context.Cause(r.Context()) == errTimedOut {
		c.err = timedOut()
		return
	}
	c.err = p.failure(c.req.HTTP.Context(), err)
}

// redactedError is err's text with every secret value cut out.
func redactedError(err error, secrets []secret) string {
	text := err.Error()
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s.value, "[secret]")
		text = strings.ReplaceAll(text, url.QueryEscape(s.value), "[secret]")
		text = strings.ReplaceAll(text, url.PathEscape(s.value), "[secret]")
	}
	return text
}

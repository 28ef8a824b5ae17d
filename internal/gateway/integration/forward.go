package integration

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// The lean path: a request without a body, that may be sent twice (GET,
// HEAD, OPTIONS, TRACE), to a plain-http backend, is forwarded by moat
// itself over a pooled HTTP/1.1 connection, in the handler's goroutine: the
// request is written and the response read and copied on the connection
// directly, with no transport goroutines, channels, timers or request
// clones. Everything else — bodies (streamed both ways), https and mTLS
// backends (HTTP/2 when offered), WebSocket upgrades, Expect — goes
// through httputil.ReverseProxy. Both shape the backend request with the
// same code (shape) and answer failures the same way (failure).

// leanEligible says whether the lean path may carry in to target.
func (p *proxy) leanEligible(in *http.Request, target *url.URL) bool {
	if p.conns == nil || target.Scheme != "http" || (in.Body != nil && in.Body != http.NoBody) {
		return false
	}
	if _, ok := in.Header["Upgrade"]; ok {
		return false
	}
	if _, ok := in.Header["Expect"]; ok {
		return false
	}
	switch cmp.Or(p.method, in.Method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// aLongTimeAgo is a deadline that has passed: setting it makes a blocked
// read or write on a connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

// forward sends req to target on a pooled connection and copies the answer
// to w. A connection the backend closed while it was idle fails before any
// answer arrives: the request is then sent again on another (in the end a
// newly dialled one, which is never retried).
func (p *proxy) forward(w http.ResponseWriter, req *gateway.Request, target *url.URL) error {
	in := req.HTTP
	b := newBackendRequest(in)
	defer b.release()
	out := &b.req
	p.shape(out, in, req, target, &b.forwarded)
	addr := target.Host
	if target.Port() == "" {
		addr = net.JoinHostPort(target.Hostname(), "80")
	}
	ctx := in.Context()
	deadline := time.Now().Add(p.timeout) // the wait for the response's headers
	for {
		c, err := p.conns.get(ctx, addr, deadline)
		if err != nil {
			return p.failure(ctx, err)
		}
		// A client that leaves unblocks whatever the connection is waiting for.
		stop := context.AfterFunc(ctx, func() { c.SetDeadline(aLongTimeAgo) })
		res, err := exchange(c, out, deadline)
		if err != nil {
			stop()
			c.Close()
			if c.reused && closedWhileIdle(err) && ctx.Err() == nil {
				continue
			}
			return p.failure(ctx, err)
		}
		err = relay(w, res)
		stop()
		if err != nil || res.Close || ctx.Err() != nil {
			c.Close()
		} else {
			p.conns.put(c)
		}
		if err != nil {
			// The answer has begun and cannot be taken back: abort it, as
			// ReverseProxy does, so the client sees it cut short rather than
			// complete.
			panic(http.ErrAbortHandler)
		}
		return nil
	}
}

// backendRequest is the lean path's request to a backend with the storage
// its headers are copied into. Nothing holds on to it once the answer is
// relayed, so it is pooled: header map, value array and all.
type backendRequest struct {
	req       http.Request
	values    []string
	forwarded [3]string
}

// maxPooledHeaderValues keeps a request with very many headers from
// pinning its array in the pool.
const maxPooledHeaderValues = 256

var backendRequests = sync.Pool{New: func() any { return new(backendRequest) }}

// newBackendRequest is an HTTP/1.1 request with in's method and in's
// headers less those that stay with the client's connection.
func newBackendRequest(in *http.Request) *backendRequest {
	b := backendRequests.Get().(*backendRequest)
	h := b.req.Header
	if h == nil {
		h = make(http.Header, len(in.Header)+3) // room for the X-Forwarded-* set later
	}
	b.req = http.Request{Method: in.Method, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h}
	b.values = fillOutboundHeader(h, b.values, in.Header)
	return b
}

func (b *backendRequest) release() {
	if cap(b.values) > maxPooledHeaderValues || len(b.req.Header) > maxPooledHeaderValues {
		return
	}
	clear(b.req.Header)
	clear(b.values[:cap(b.values)]) // keep no request's strings alive
	b.forwarded = [3]string{}
	b.req = http.Request{Header: b.req.Header}
	backendRequests.Put(b)
}

// exchange writes out on c and reads the response's head, all before
// deadline. Informational answers (1xx) are passed over; a switch of
// protocols, which nothing asked for, is a failure.
func exchange(c *backendConn, out *http.Request, deadline time.Time) (*http.Response, error) {
	if err := c.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if err := out.Write(c.bw); err != nil {
		return nil, err
	}
	if err := c.bw.Flush(); err != nil {
		return nil, err
	}
	// A first byte is waited for apart, so that a connection that ends
	// before any answer (closedWhileIdle) is told from a broken answer.
	if _, err := c.br.Peek(1); err != nil {
		return nil, err
	}
	for {
		res, err := http.ReadResponse(c.br, out)
		if err != nil {
			return nil, err
		}
		switch {
		case res.StatusCode == http.StatusSwitchingProtocols:
			return nil, errors.New("backend switched protocols unasked")
		case res.StatusCode < 200:
			continue
		}
		// The body may stream for as long as it takes.
		return res, c.SetDeadline(time.Time{})
	}
}

// closedWhileIdle is the failure of a reused connection that the backend
// had closed: nothing of an answer arrived.
func closedWhileIdle(err error) bool {
	return err == io.EOF || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// relay copies res to w: its headers without hop-by-hop ones, its status,
// its body (flushed as it comes when it is a stream of unknown length or
// server-sent events, as ReverseProxy does), and its trailers.
func relay(w http.ResponseWriter, res *http.Response) error {
	h := w.Header()
	named := connectionNamed(res.Header)
	for name, vv := range res.Header {
		if hopHeaders[name] || slices.Contains(named, name) {
			continue
		}
		if mine, ok := h[name]; ok {
			h[name] = append(mine, vv...)
		} else {
			h[name] = vv // res is the gateway's alone: its values need no copy
		}
	}
	if len(res.Trailer) > 0 {
		names := make([]string, 0, len(res.Trailer))
		for name := range res.Trailer {
			names = append(names, name)
		}
		h["Trailer"] = names
	}
	w.WriteHeader(res.StatusCode)
	if err := copyBody(w, res.Body, res.ContentLength == -1 || isEventStream(res.Header)); err != nil {
		return err
	}
	if err := res.Body.Close(); err != nil {
		return err
	}
	for name, vv := range res.Trailer {
		h[http.TrailerPrefix+name] = vv
	}
	return nil
}

func isEventStream(h http.Header) bool {
	v := h["Content-Type"]
	if len(v) == 0 || len(v[0]) < len("text/event-stream") || !strings.EqualFold(v[0][:len("text/event-stream")], "text/event-stream") {
		return false // parsed only when it might be
	}
	media, _, _ := mime.ParseMediaType(v[0])
	return media == "text/event-stream"
}

// copyBuffers are the lean path's 32 KiB copy buffers, pooled by pointer so
// that returning one allocates nothing.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyBody copies body to w through a pooled buffer, flushing after each
// write when flush is set.
func copyBody(w http.ResponseWriter, body io.Reader, flush bool) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	flusher, _ := w.(http.Flusher)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if flush && flusher != nil {
				flusher.Flush()
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// failure is the answer to a backend that gave none: 504 after the
// integration's timeout, 499 when the client left first, 502 otherwise.
func (p *proxy) failure(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: 499, Message: "Client closed request"}
	case isTimeout(err):
		return timedOut()
	default:
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusBadGateway, Message: "Internal server error",
			Cause: errors.New("backend request failed: " + redactedError(err, p.secrets))}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func timedOut() error {
	return &gateway.Error{Type: gateway.IntegrationTimeout, Message: "Endpoint request timed out"}
}

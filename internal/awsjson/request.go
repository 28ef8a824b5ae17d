package awsjson

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
)

// RequestInfo describes the request being served, for domain code that rate
// limits or logs per caller.
type RequestInfo struct {
	ID        string // the x-amzn-RequestId sent back
	SourceIP  string // the peer's address; proxies in front are not trusted
	UserAgent string
}

type requestInfoKey struct{}

// RequestFrom returns the RequestInfo the handler placed in ctx (zero outside a request).
func RequestFrom(ctx context.Context) RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info
}

func withRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// NewRequestInfo names a request: a fresh request id and the peer address.
// Every AWS-shaped API moat speaks (JSON, query, REST) identifies requests so.
func NewRequestInfo(r *http.Request) RequestInfo {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return RequestInfo{ID: newRequestID(), SourceIP: ip, UserAgent: r.UserAgent()}
}

// newRequestID is a random (version 4) UUID, the form AWS request ids take.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

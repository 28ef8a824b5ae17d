package awsapi

import (
	"context"
	"crypto/rand"
	"fmt"
)

// RequestInfo describes the request being served, for domain code that rate
// limits or logs per caller.
type RequestInfo struct {
	ID string // the x-amzn-RequestId sent back
	// SourceIP is the client's address: the TCP peer, or the address a
	// trusted proxy forwarded (see clientip).
	SourceIP  string
	UserAgent string
}

type requestInfoKey struct{}

// RequestFrom returns the RequestInfo the frame placed in ctx (zero outside a request).
func RequestFrom(ctx context.Context) RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info
}

func withRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// newRequestID is a random (version 4) UUID, the form AWS request ids take.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

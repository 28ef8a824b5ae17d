package authorizer

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// maxSignedBody bounds the body the AWS_IAM authorizer reads to check the
// signature's payload hash: API Gateway's payload limit, 10 MB.
const maxSignedBody = gateway.DefaultMaxBodyBytes

const (
	// signedBodyBudget bounds the bytes every AWS_IAM authorizer of the
	// process holds buffered at once, so many concurrent large signed
	// uploads cannot exhaust memory: a dozen 10 MB bodies, or thousands of
	// small ones.
	signedBodyBudget = 128 << 20
	// signedBodyWait is how long a request waits for room in the budget
	// before it is refused as API Gateway refuses a throttled one.
	signedBodyWait = time.Second
)

// signedBodies is the process's budget, shared by its AWS_IAM authorizers.
var signedBodies = newByteBudget(signedBodyBudget)

// readSignedBody reads the whole body, since SigV4 signs its hash, and puts
// it back so the integration still sends it on. The bytes are reserved in
// budget first (all of maxSignedBody when the length is not declared) and
// held until the request ends. Bodies over maxSignedBody are refused with
// 413 before the signature is looked at; a request that finds no room in
// time gets 429 Too Many Requests.
func readSignedBody(r *http.Request, budget *byteBudget) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > maxSignedBody {
		return nil, tooLarge()
	}
	reserved := int64(maxSignedBody)
	if r.ContentLength >= 0 {
		reserved = r.ContentLength
	}
	ctx := r.Context()
	if !budget.take(ctx, reserved, signedBodyWait) {
		return nil, tooBusy()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, reserved+1))
	r.Body.Close()
	switch {
	case err != nil:
		budget.give(reserved)
		return nil, &gateway.Error{Type: gateway.BadRequestBody, Message: "Could not read the request body"}
	case int64(len(body)) > reserved: // only an undeclared length can run over
		budget.give(reserved)
		return nil, tooLarge()
	}
	budget.give(reserved - int64(len(body)))
	held := int64(len(body))
	context.AfterFunc(ctx, func() { budget.give(held) })
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return body, nil
}

func tooLarge() error {
	return &gateway.PayloadTooLarge{Limit: maxSignedBody}
}

func tooBusy() error {
	return &gateway.Error{Type: gateway.Throttled, Message: "Too Many Requests", Headers: http.Header{"Retry-After": {"1"}}}
}

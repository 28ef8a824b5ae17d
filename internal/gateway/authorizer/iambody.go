package authorizer

import (
	"bytes"
	"io"
	"net/http"

	"github.com/moat-dev/moat/internal/gateway"
)

// maxSignedBody bounds the body the AWS_IAM authorizer reads to check the
// signature's payload hash (API Gateway's own payload limit is 10 MB).
const maxSignedBody = 10 << 20

// readSignedBody reads the whole body, since SigV4 signs its hash, and puts
// it back so the integration still sends it on. Bodies over maxSignedBody
// are refused with 413 before the signature is looked at.
func readSignedBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > maxSignedBody {
		return nil, tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSignedBody+1))
	r.Body.Close()
	if err != nil {
		return nil, &gateway.Error{Type: gateway.BadRequestBody, Message: "Could not read the request body"}
	}
	if len(body) > maxSignedBody {
		return nil, tooLarge()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return body, nil
}

func tooLarge() *gateway.Error {
	return &gateway.Error{Type: gateway.RequestTooLarge, Message: "Request Too Long"}
}

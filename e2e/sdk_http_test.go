package e2e

import (
	"bytes"
	"io"
	"net/http"
)

// sdkHTTPClient is the HTTP client of every AWS SDK client in these tests.
//
// It hands net/http a copy of each request body held in memory. smithy-go
// closes (and rewinds) the body it built once a call has its answer, while
// net/http's write loop may not yet have finished with it; the transport then
// sees a read on a closed body, marks the connection broken and cuts off an
// answer larger than its 4 KB read buffer, which the SDK reports as a failed
// deserialization. That is a race between the SDK and net/http, not moat's
// doing, and it made a test fail about once in a few hundred calls.
var sdkHTTPClient = bodyInMemory{&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}

type bodyInMemory struct{ client *http.Client }

func (c bodyInMemory) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return c.client.Do(r)
}

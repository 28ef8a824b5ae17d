package integration

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/moat-dev/moat/internal/gateway"
)

// mock answers with a fixed status, headers and body.
type mock struct {
	status  int
	headers http.Header
	body    []byte
}

func newMock(c gateway.MockSettings) (*mock, error) {
	m := &mock{status: c.StatusCode, headers: http.Header{}, body: []byte(c.Body)}
	if m.status == 0 {
		m.status = http.StatusOK
	}
	if m.status < 100 || m.status > 599 {
		return nil, fmt.Errorf("statusCode %d is not an HTTP status", c.StatusCode)
	}
	for name, value := range c.Headers {
		m.headers.Set(name, value)
	}
	m.headers.Set("Content-Length", strconv.Itoa(len(m.body)))
	return m, nil
}

func (m *mock) Serve(w http.ResponseWriter, req *gateway.Request) error {
	h := w.Header()
	for name, values := range m.headers {
		h[name] = values
	}
	w.WriteHeader(m.status)
	if req.HTTP.Method != http.MethodHead {
		_, _ = w.Write(m.body)
	}
	return nil
}

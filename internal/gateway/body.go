package gateway

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// DefaultMaxBodyBytes is API Gateway's payload limit, 10 MB (10485760
// bytes); an API may set its own (API.MaxBodyBytes).
const DefaultMaxBodyBytes = 10 << 20

// Request bodies stream to backends, so no total read timeout can bound them
// without cutting long uploads short. Instead every read of a body has a
// deadline that a client keeping a modest pace never meets, and one sending
// a byte every few seconds soon does.
const (
	// bodyStartTimeout is how long the client has to send the body's first
	// bytes once the gateway asks for them, and the head start its pace is
	// measured with.
	bodyStartTimeout = 20 * time.Second
	// bodyMinRate is the least average pace, in bytes a second, a body must
	// keep after its head start.
	bodyMinRate = 500
	// bodyReadTimeout is the longest any one read may wait, however far
	// ahead of the pace the client is.
	bodyReadTimeout = 30 * time.Second
	// deadlineSlack is how far a deadline may drift before it is set
	// again, so a fast upload does not pay for one on every read.
	deadlineSlack = time.Second
)

// body is a request body as the gateway hands it on: bounded in size, read
// against deadlines, and remembering why reading it failed when that was the
// client's doing, so the answer is the client's 4xx rather than a 502.
type body struct {
	src      io.ReadCloser
	conn     *http.ResponseController
	limit    int64
	read     int64
	started  time.Time // the first Read
	deadline time.Time // the connection's read deadline as last set

	mu      sync.Mutex // failed is read by the serving goroutine while a transport reads
	failure error      // *Error or *PayloadTooLarge
}

// guardBody replaces r's body, when it has one, with a guarded one. Until
// the body is first read the client has bodyStartTimeout: that also bounds
// the server's own draining of a body nobody read.
func guardBody(w http.ResponseWriter, r *http.Request, limit int64) *body {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b := &body{src: r.Body, conn: http.NewResponseController(w), limit: limit}
	b.setDeadline(time.Now().Add(bodyStartTimeout))
	r.Body = b
	return b
}

func (b *body) Read(p []byte) (int, error) {
	if err := b.failed(); err != nil {
		return 0, err
	}
	now := time.Now()
	if b.started.IsZero() {
		b.started = now
	}
	b.keepPace(now)
	if room := b.limit - b.read + 1; int64(len(p)) > room {
		p = p[:room] // one byte past the limit is enough to know it is over
	}
	n, err := b.src.Read(p)
	b.read += int64(n)
	switch {
	case b.read > b.limit:
		return n - int(b.read-b.limit), b.fail(&PayloadTooLarge{Limit: b.limit})
	case err == io.EOF:
		// Nothing more will be read: a long response must not meet the
		// deadline through the server's wait for the next request.
		b.setDeadline(time.Time{})
	case err != nil:
		return n, b.fail(clientBodyError(err))
	}
	return n, err
}

func (b *body) Close() error { return b.src.Close() }

// keepPace sets the deadline for the next read: the head start plus a second
// for every bodyMinRate bytes received, and never more than bodyReadTimeout
// away. A client behind the pace finds it already passed.
func (b *body) keepPace(now time.Time) {
	d := b.started.Add(bodyStartTimeout + time.Duration(b.read/bodyMinRate)*time.Second)
	if longest := now.Add(bodyReadTimeout); d.After(longest) {
		d = longest
	}
	if d.Sub(b.deadline).Abs() >= deadlineSlack {
		b.setDeadline(d)
	}
}

func (b *body) setDeadline(d time.Time) {
	b.deadline = d
	// A writer without deadlines (a test's recorder) is served without them.
	_ = b.conn.SetReadDeadline(d)
}

func (b *body) fail(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failure == nil {
		b.failure = err
	}
	return b.failure
}

// failed is why reading the body failed through the client's fault, or nil.
func (b *body) failed() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failure
}

// clientBodyError is the answer to a body the client did not send whole: too
// slow (408), or cut off or malformed, as a broken chunked encoding (400).
func clientBodyError(err error) *Error {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &Error{Type: BadRequestBody, Status: http.StatusRequestTimeout, Message: "Request Timeout"}
	}
	return &Error{Type: BadRequestBody, Message: "Could not read the request body"}
}

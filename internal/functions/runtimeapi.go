package functions

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxResponse is the most a runtime may answer, as Lambda allows (6 MiB
// and 100 bytes of framing).
const maxResponse = 6<<20 + 100

// invocation is one event handed to a worker's runtime.
type invocation struct {
	id              string
	payload         []byte
	deadline        time.Time
	functionARN     string // as invoked
	traceID         string
	clientContext   string      // JSON, decoded from X-Amz-Client-Context
	cognitoIdentity string      // JSON
	tail            bool        // its log is wanted
	done            chan answer // receives the runtime's one answer
}

// answer is what the runtime posted for an invocation.
type answer struct {
	payload []byte
	failed  bool // posted to /error: payload is the error JSON
}

// runtimeAPI is the Lambda Runtime API of one worker, served on a loopback
// port of its own to that worker's process only. Its states follow AWS's
// emulator: the first next ends init; each invocation takes exactly one
// response or error; a next while an invocation is unanswered serves the
// same event again.
//
// It is on every invocation's path, twice (the event to a waiting next, the
// answer), so it is served leanly rather than by net/http's server: each
// connection's requests read in turn with http.ReadRequest, each answer
// written in one write, and an event written by the invoking goroutine
// itself to the next that waits for it (no handoff, no background reads:
// the connection's own reader sees the worker go).
type runtimeAPI struct {
	listener net.Listener
	ready    chan struct{} // closed at the first next: init is over
	initErr  chan []byte   // an /init/error's body

	mu       sync.Mutex
	initDone bool         // a next or an init error came
	asked    bool         // a next came: ready is closed
	waiting  *runtimeConn // a connection whose next waits for an event
	queued   *invocation  // handed over before the runtime asked for it
	current  *invocation  // served and not yet answered
	conns    map[*runtimeConn]struct{}
	shut     bool
}

func startRuntimeAPI() (*runtimeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &runtimeAPI{listener: ln, ready: make(chan struct{}), initErr: make(chan []byte, 1), conns: map[*runtimeConn]struct{}{}}
	go a.accept()
	return a, nil
}

// address is AWS_LAMBDA_RUNTIME_API: host:port.
func (a *runtimeAPI) address() string { return a.listener.Addr().String() }

// close stops the listener and ends every connection.
func (a *runtimeAPI) close() {
	a.mu.Lock()
	a.shut = true
	conns := a.conns
	a.conns, a.waiting = nil, nil
	a.mu.Unlock()
	_ = a.listener.Close()
	for c := range conns {
		_ = c.conn.Close()
	}
}

func (a *runtimeAPI) accept() {
	for {
		conn, err := a.listener.Accept()
		if err != nil {
			return // closed
		}
		c := &runtimeConn{api: a, conn: conn, limit: &limitedReader{r: conn}}
		c.r = bufio.NewReader(c.limit)
		a.mu.Lock()
		shut := a.shut
		if !shut {
			a.conns[c] = struct{}{}
		}
		a.mu.Unlock()
		if shut {
			_ = conn.Close()
			return
		}
		go c.serve()
	}
}

// hand gives inv to the runtime: written at once to a next that waits for
// it, else kept for the next to come.
func (a *runtimeAPI) hand(inv *invocation) {
	a.mu.Lock()
	c := a.waiting
	a.waiting = nil
	closing := false
	if c != nil {
		a.current, closing = inv, c.closeAfterEvent
	} else {
		a.queued = inv
	}
	a.mu.Unlock()
	if c != nil {
		c.writeEvent(inv, closing) // if the connection is gone, a next on another serves inv again
	}
}

// Bounds on what a runtime sends: a request's headers, and an answer with
// its chunked framing and trailers.
const (
	maxRuntimeHeader = 1 << 20
	maxRuntimeBody   = maxResponse + 64<<10
)

// runtimeConn is one connection of the worker's runtime client.
type runtimeConn struct {
	api   *runtimeAPI
	conn  net.Conn
	limit *limitedReader
	r     *bufio.Reader

	wmu sync.Mutex // the answer being written; reused for each
	out []byte

	continued bool // the request being served was told 100 Continue
	// closeAfterEvent: the waiting next asked to close the connection
	// (Connection: close, HTTP/1.0): the event is written and the connection closed.
	closeAfterEvent bool
}

// serve answers the connection's requests in turn until it closes.
func (c *runtimeConn) serve() {
	defer c.drop()
	for {
		c.limit.n = maxRuntimeHeader
		req, err := http.ReadRequest(c.r)
		if err != nil {
			return
		}
		c.limit.n = maxRuntimeBody
		c.continued = false
		if c.handle(req) {
			// A next that waits on a connection to be closed: nothing more
			// comes on it; it ends when writeEvent closes it or the runtime goes.
			_, _ = io.Copy(io.Discard, c.r)
			return
		}
		if c.closes(req) {
			return
		}
		// What a handler left of the body is read, to reach the next request.
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return
		}
	}
}

// closes tells whether the connection ends with the answer to req: the
// client asked for it, or it still waits to be told to send its body.
func (c *runtimeConn) closes(req *http.Request) bool {
	return req.Close || expectsContinue(req) && !c.continued
}

// drop forgets the connection, closed by the runtime or by moat.
func (c *runtimeConn) drop() {
	_ = c.conn.Close()
	a := c.api
	a.mu.Lock()
	if a.waiting == c {
		a.waiting = nil
	}
	delete(a.conns, c)
	a.mu.Unlock()
}

const (
	runtimePrefix    = "/2018-06-01/"
	invocationPrefix = runtimePrefix + "runtime/invocation/"
)

// handle answers req; it reports a next that waits, on a connection to be
// closed once the event is written.
func (c *runtimeConn) handle(req *http.Request) (waitsToClose bool) {
	path := req.URL.Path
	if id, failed, ok := answerPath(path); ok && req.Method == http.MethodPost {
		c.post(req, id, failed)
		return false
	}
	switch {
	case path == invocationPrefix+"next" && req.Method == http.MethodGet:
		return c.next(req.Close)
	case path == runtimePrefix+"runtime/init/error" && req.Method == http.MethodPost:
		c.initError(req)
	case path == runtimePrefix+"ping" && req.Method == http.MethodGet:
		c.answer(http.StatusOK, nil, req.Close)
	default:
		c.answer(http.StatusNotFound, errorJSON("InvalidRequest", "No such Runtime API resource: "+req.Method+" "+path), c.closes(req))
	}
	return false
}

// answerPath reads /invocation/{id}/response and /invocation/{id}/error.
func answerPath(path string) (id string, failed, ok bool) {
	rest, found := strings.CutPrefix(path, invocationPrefix)
	if !found {
		return "", false, false
	}
	id, kind, _ := strings.Cut(rest, "/")
	if id == "" || kind != "response" && kind != "error" {
		return "", false, false
	}
	return id, kind == "error", true
}

// next serves the event, at once or when it is handed over; it reports a
// next left waiting on a connection that closes after the event.
func (c *runtimeConn) next(closing bool) (waitsToClose bool) {
	a := c.api
	a.mu.Lock()
	a.initDone = true
	if a.current == nil && a.queued != nil {
		a.current, a.queued = a.queued, nil
	}
	inv := a.current
	var abandoned *runtimeConn
	if inv == nil {
		// One next waits at a time: one that still waits on another
		// connection was given up by the runtime (a client retrying on a
		// new connection); that connection is closed, not left waiting.
		if a.waiting != c {
			abandoned = a.waiting
		}
		a.waiting = c
		c.closeAfterEvent = closing
	}
	first := !a.asked
	a.asked = true
	a.mu.Unlock()
	if first {
		close(a.ready)
	}
	if abandoned != nil {
		_ = abandoned.conn.Close()
	}
	if inv != nil {
		c.writeEvent(inv, closing)
		return false
	}
	return closing
}

// writeEvent answers a next with inv, headers and payload in one write, by
// the invocation's deadline: a runtime that does not read cannot hold the
// invoking goroutine past its timeout.
func (c *runtimeConn) writeEvent(inv *invocation, closing bool) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := append(c.out[:0], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: "...)
	b = append(b, inv.id...)
	b = append(b, "\r\nLambda-Runtime-Deadline-Ms: "...)
	b = strconv.AppendInt(b, inv.deadline.UnixMilli(), 10)
	b = appendHeader(b, "Lambda-Runtime-Invoked-Function-Arn", inv.functionARN)
	b = appendHeader(b, "Lambda-Runtime-Trace-Id", inv.traceID)
	b = appendHeader(b, "Lambda-Runtime-Client-Context", inv.clientContext)
	b = appendHeader(b, "Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity)
	if closing {
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(inv.payload)), 10)
	b = append(b, "\r\n\r\n"...)
	c.out = b
	_ = c.conn.SetWriteDeadline(inv.deadline)
	bufs := net.Buffers{b, inv.payload}
	if _, err := bufs.WriteTo(c.conn); err != nil || closing {
		_ = c.conn.Close()
		return
	}
	_ = c.conn.SetWriteDeadline(time.Time{})
}

// appendHeader adds a header line when value is set; line breaks in it
// (a client context's JSON may hold some) become spaces, as net/http writes them.
func appendHeader(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, "\r\n"...)
	b = append(b, name...)
	b = append(b, ": "...)
	for i := 0; i < len(value); i++ {
		if ch := value[i]; ch == '\r' || ch == '\n' {
			b = append(b, ' ')
		} else {
			b = append(b, ch)
		}
	}
	return b
}

// answer writes a response with a JSON body (or none) in one write.
func (c *runtimeConn) answer(status int, body []byte, closing bool) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := append(c.out[:0], "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	if body != nil {
		b = append(b, "\r\nContent-Type: application/json"...)
	}
	if closing {
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	c.out = b
	if _, err := c.conn.Write(b); err != nil {
		_ = c.conn.Close()
	}
}

// continueBody tells a client waiting to send its body (Expect:
// 100-continue, as curl does for larger posts) to send it.
func (c *runtimeConn) continueBody(req *http.Request) {
	if expectsContinue(req) {
		_, _ = c.conn.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
		c.continued = true
	}
}

func expectsContinue(req *http.Request) bool {
	return strings.EqualFold(req.Header.Get("Expect"), "100-continue")
}

var statusOK = []byte(`{"status":"OK"}`)

// post takes the runtime's answer to the current invocation.
func (c *runtimeConn) post(req *http.Request, id string, failed bool) {
	a := c.api
	a.mu.Lock()
	inv := a.current
	if inv == nil || id != inv.id {
		a.mu.Unlock()
		c.answer(http.StatusBadRequest, errorJSON("InvalidRequestID", "Invalid request ID"), c.closes(req))
		return
	}
	a.current = nil // a second answer finds no invocation
	a.mu.Unlock()
	c.continueBody(req)
	body, err := io.ReadAll(io.LimitReader(req.Body, maxResponse+1))
	var ans answer
	status, reply := http.StatusAccepted, statusOK
	switch {
	case err != nil:
		ans = answer{payload: errorJSON("Runtime.TruncatedResponse", "RequestId: "+inv.id+" Error: the runtime's answer could not be read"), failed: true}
		status, reply = http.StatusBadRequest, errorJSON("TruncatedHTTPRequest", "The request body was truncated")
	case len(body) > maxResponse:
		ans = answer{payload: errorJSON("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."), failed: true}
		status, reply = http.StatusRequestEntityTooLarge, errorJSON("RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes).")
	case failed:
		ans = answer{payload: runtimeErrorBody(body, req.Header.Get("Lambda-Runtime-Function-Error-Type")), failed: true}
	default:
		ans = answer{payload: body}
	}
	inv.done <- ans // buffered: the one answer never blocks
	c.answer(status, reply, req.Close || err != nil)
}

func (c *runtimeConn) initError(req *http.Request) {
	a := c.api
	a.mu.Lock()
	done := a.initDone
	a.initDone = true
	a.mu.Unlock()
	if done {
		c.answer(http.StatusForbidden, errorJSON("InvalidStateTransition", "State transition from Ready to InitError failed for runtime. Error: init is over"), c.closes(req))
		return
	}
	c.continueBody(req)
	body, _ := io.ReadAll(io.LimitReader(req.Body, maxResponse))
	a.initErr <- runtimeErrorBody(body, req.Header.Get("Lambda-Runtime-Function-Error-Type"))
	c.answer(http.StatusAccepted, statusOK, req.Close)
}

// limitedReader bounds what a connection may send before serve resets n.
type limitedReader struct {
	r io.Reader
	n int64
}

var errRuntimeTooMuch = errors.New("runtime API: request too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errRuntimeTooMuch
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// errorJSON is Lambda's error payload, {"errorMessage","errorType"}.
func errorJSON(errorType, message string) []byte {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{message, errorType}) // strings cannot fail to marshal
	return b
}

var errorTypeRE = regexp.MustCompile(`^(Runtime|Function)\.[A-Z][a-zA-Z]+$`)

// runtimeErrorBody is the error payload an invoke returns for what a
// runtime posted: its JSON object as sent, as Lambda passes it on. A body
// that is not a JSON object becomes one naming the header's error type
// (when it has Lambda's form) or Runtime.Unknown.
func runtimeErrorBody(body []byte, headerType string) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil && obj != nil {
		return body
	}
	errorType := "Runtime.Unknown"
	if errorTypeRE.MatchString(headerType) {
		errorType = headerType
	}
	return errorJSON(errorType, "The runtime's error could not be read: "+summary(body))
}

// summary is the start of b, for messages.
func summary(b []byte) string {
	if len(b) > 100 {
		b = b[:100]
	}
	return string(b)
}

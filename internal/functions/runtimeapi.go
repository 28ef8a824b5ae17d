package functions

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
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
type runtimeAPI struct {
	listener net.Listener
	server   *http.Server
	events   chan *invocation // the invocation to serve next
	ready    chan struct{}    // closed at the first next: init is over
	initErr  chan []byte      // an /init/error's body
	closed   chan struct{}

	mu        sync.Mutex
	readyOnce sync.Once
	current   *invocation // served and not yet answered
	initDone  bool
}

func startRuntimeAPI() (*runtimeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &runtimeAPI{listener: ln, events: make(chan *invocation), ready: make(chan struct{}),
		initErr: make(chan []byte, 1), closed: make(chan struct{})}
	a.server = &http.Server{Handler: a.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.server.Serve(ln) }()
	return a, nil
}

// address is AWS_LAMBDA_RUNTIME_API: host:port.
func (a *runtimeAPI) address() string { return a.listener.Addr().String() }

func (a *runtimeAPI) close() {
	close(a.closed)
	_ = a.server.Close()
}

func (a *runtimeAPI) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", a.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) { a.post(w, r, false) })
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) { a.post(w, r, true) })
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", a.initError)
	mux.HandleFunc("GET /2018-06-01/ping", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return mux
}

func (a *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.initDone = true
	inv := a.current
	a.mu.Unlock()
	a.readyOnce.Do(func() { close(a.ready) })
	if inv == nil {
		select {
		case inv = <-a.events:
		case <-r.Context().Done():
			return
		case <-a.closed:
			return
		}
		a.mu.Lock()
		a.current = inv
		a.mu.Unlock()
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.functionARN)
	setIfAny(h, "Lambda-Runtime-Trace-Id", inv.traceID)
	setIfAny(h, "Lambda-Runtime-Client-Context", inv.clientContext)
	setIfAny(h, "Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

func setIfAny(h http.Header, name, value string) {
	if value != "" {
		h.Set(name, value)
	}
}

// post takes the runtime's answer to the current invocation.
func (a *runtimeAPI) post(w http.ResponseWriter, r *http.Request, failed bool) {
	a.mu.Lock()
	inv := a.current
	if inv == nil || r.PathValue("id") != inv.id {
		a.mu.Unlock()
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	a.current = nil // a second answer finds no invocation
	a.mu.Unlock()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponse+1))
	var ans answer
	switch {
	case err != nil:
		ans = answer{payload: errorJSON("Runtime.TruncatedResponse", "RequestId: "+inv.id+" Error: the runtime's answer could not be read"), failed: true}
		runtimeError(w, http.StatusBadRequest, "TruncatedHTTPRequest", "The request body was truncated")
	case len(body) > maxResponse:
		ans = answer{payload: errorJSON("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."), failed: true}
		runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes).")
	case failed:
		ans = answer{payload: runtimeErrorBody(body, r.Header.Get("Lambda-Runtime-Function-Error-Type")), failed: true}
		accepted(w)
	default:
		ans = answer{payload: body}
		accepted(w)
	}
	inv.done <- ans // buffered: the one answer never blocks
}

func (a *runtimeAPI) initError(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	done := a.initDone
	a.initDone = true
	a.mu.Unlock()
	if done {
		runtimeError(w, http.StatusForbidden, "InvalidStateTransition", "State transition from Ready to InitError failed for runtime. Error: init is over")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxResponse))
	a.initErr <- runtimeErrorBody(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"))
	accepted(w)
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}`))
}

func runtimeError(w http.ResponseWriter, status int, errorType, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(errorJSON(errorType, message))
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

// errRuntimeGone is the runtime's process ending while serving.
var errRuntimeGone = errors.New("runtime exited")

// Package awsapi is the one request frame every AWS-shaped API on the
// identity listener is served through, whatever its wire protocol: AWS JSON
// 1.1 (Cognito), the query protocol (IAM) or REST-JSON (API Gateway's
// management API). For each request the frame names it (x-amzn-RequestId
// and the client's address), reads its body within the protocol's limit and
// a bound on all bodies held at once, finds the operation, checks the admin
// signature when the operation needs one, runs the typed handler, turns a
// panic into a 500, encodes errors in the protocol's AWS shape, and writes
// one access-log line and the moat_aws_* metrics. Domain code plugs in
// typed handlers and never sees HTTP.
package awsapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/clientip"
)

// Config is what every API served through a Frame shares.
type Config struct {
	Logger  *slog.Logger
	Metrics *Metrics // nil counts nothing
	// Proxies are the load balancers whose X-Forwarded-For / Forwarded
	// name the client; the zero value believes no one.
	Proxies clientip.Proxies
	// MaxBufferedBytes bounds the request bodies held at once, across all
	// requests; past it a request is refused as throttled at once.
	// 0 means DefaultMaxBufferedBytes.
	MaxBufferedBytes int64
}

// DefaultMaxBufferedBytes lets some hundreds of the largest requests, and
// many thousands of ordinary ones, be read at once.
const DefaultMaxBufferedBytes = 64 << 20

// Frame serves AWS-shaped APIs; build each with its JSON, Query or REST method.
type Frame struct {
	logger  *slog.Logger
	metrics *Metrics
	proxies clientip.Proxies
	bodies  *budget
}

// NewFrame returns a frame for the APIs of one listener.
func NewFrame(cfg Config) *Frame {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBufferedBytes <= 0 {
		cfg.MaxBufferedBytes = DefaultMaxBufferedBytes
	}
	return &Frame{logger: cfg.Logger, metrics: cfg.Metrics, proxies: cfg.Proxies, bodies: newBudget(cfg.MaxBufferedBytes)}
}

// Authenticator checks a signed request whose whole body is body, for the
// SigV4 service signingName; it refuses with an *awserr.Error
// (IncompleteSignatureException, InvalidSignatureException, …).
// admin.Authenticator is the one moat uses.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error
}

// protocol is how one API speaks its wire protocol: how a request names its
// operation, and the AWS shapes of its errors.
type protocol struct {
	service string // the SigV4 signing name, and the metrics' service label
	maxBody int64
	// route finds the operation r (whose whole body is body) asks for.
	route func(r *http.Request, body []byte) (operation, error)
	// refused is the error sent for the authenticator's refusal.
	refused    func(err error) error
	writeError func(w http.ResponseWriter, e *awserr.Error, requestID string)
	// The protocol's answers to what the frame itself refuses.
	unreadable, tooLarge, throttled, fault *awserr.Error
}

// operation is what a request asked for, found by a protocol's route.
type operation struct {
	name   string // the metrics' operation label: one of the API's own names
	signed bool   // needs the admin signature
	// serve runs the operation and writes its answer, or returns the error
	// to answer instead without having written anything.
	serve func(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) error
}

// api is one API served through a frame; the protocols' handlers embed it.
type api struct {
	frame *Frame
	auth  Authenticator
	wire  protocol
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.frame.serve(w, r, a) }

// outcome is what one request came to, for the access log and metrics.
type outcome struct {
	service, operation string
	status             int
	code               string
	cause              error // our own fault behind a 500; logged, never sent
}

func (f *Frame) serve(w http.ResponseWriter, r *http.Request, a *api) {
	start := time.Now()
	info := RequestInfo{ID: newRequestID(), SourceIP: f.proxies.Of(r), UserAgent: r.UserAgent()}
	w.Header().Set("x-amzn-RequestId", info.ID)
	ctx := withRequestInfo(r.Context(), info)
	sw := &statusWriter{ResponseWriter: w}
	out := outcome{service: a.wire.service, operation: "unknown"}

	if err := f.run(ctx, sw, r, a, &out); err != nil {
		e := awserrOf(err, a.wire.fault)
		if e.HTTPStatus() >= 500 {
			out.cause = causeOf(err)
		}
		out.code = e.Code
		if sw.status == 0 { // a handler that panicked may have begun its answer
			a.wire.writeError(sw, e, info.ID)
		}
	}
	out.status = sw.status
	if out.status == 0 {
		out.status = http.StatusOK // what net/http sends for an answer without a body
	}
	f.observe(ctx, info, out, time.Since(start))
}

// run takes one request from its body to its answer, ctx carrying its
// RequestInfo (r's own context does not). A panic anywhere in it becomes
// an error, so one bad request cannot take the server down or leave the
// client without an answer.
func (f *Frame) run(ctx context.Context, w http.ResponseWriter, r *http.Request, a *api, out *outcome) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("panic in %s %s: %v\n%s", out.service, out.operation, p, debug.Stack())
		}
	}()
	body, release, err := f.readBody(r, &a.wire)
	if err != nil {
		return err
	}
	defer release()
	op, err := a.wire.route(r, body)
	if op.name != "" {
		out.operation = op.name
	}
	if err != nil {
		return err
	}
	if op.signed {
		if err := a.auth.Authenticate(ctx, r, body, a.wire.service); err != nil {
			return a.wire.refused(err)
		}
	}
	return op.serve(ctx, w, r, body)
}

// awserrOf is the error sent for err: the client's mistakes as they are,
// anything else (our own faults) as the protocol's 500 without detail.
func awserrOf(err error, fault *awserr.Error) *awserr.Error {
	if e, ok := awserr.As(err); ok && e.HTTPStatus() < 500 {
		return e
	}
	return fault
}

// causeOf is what to log for one of our own faults: the detail behind an
// *awserr.Error that wraps it.
func causeOf(err error) error {
	if e, ok := awserr.As(err); ok && e.Cause != nil {
		return e.Cause
	}
	return err
}

func (f *Frame) observe(ctx context.Context, info RequestInfo, out outcome, took time.Duration) {
	f.metrics.Observe(out.service, out.operation, out.status, out.code, took)
	attrs := []slog.Attr{
		slog.String("request_id", info.ID),
		slog.String("service", out.service),
		slog.String("operation", out.operation),
		slog.Int("status", out.status),
		slog.Float64("latency_ms", float64(took.Microseconds())/1000),
		slog.String("source_ip", info.SourceIP),
	}
	level := slog.LevelInfo
	if out.code != "" {
		attrs = append(attrs, slog.String("error_code", out.code))
	}
	if out.cause != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("cause", out.cause.Error()))
	}
	f.logger.LogAttrs(ctx, level, "aws request", attrs...)
}

// statusWriter remembers the status an answer was sent with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeBody sends a whole answer, whichever protocol's.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

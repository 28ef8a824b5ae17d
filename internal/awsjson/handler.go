package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// MaxBodyBytes is the largest request body accepted; AWS's JSON services
// refuse far smaller bodies than this for every operation moat serves.
const MaxBodyBytes = 1 << 20

type boundService struct {
	Service
	ops map[string]Operation
}

// Handler serves AWS JSON 1.1 requests for a set of services.
type Handler struct {
	services map[string]*boundService
	auth     Authenticator
	logger   *slog.Logger
	metrics  *Metrics
}

// NewHandler routes requests to services by X-Amz-Target. auth checks the
// operations marked Signed and must be set if any is; metrics may be nil.
// Duplicate prefixes or operation names are programming errors and panic.
func NewHandler(services []Service, auth Authenticator, logger *slog.Logger, metrics *Metrics) *Handler {
	h := &Handler{services: map[string]*boundService{}, auth: auth, logger: logger, metrics: metrics}
	for _, s := range services {
		if _, dup := h.services[s.TargetPrefix]; dup {
			panic("awsjson: duplicate target prefix " + s.TargetPrefix)
		}
		b := &boundService{Service: s, ops: map[string]Operation{}}
		for _, op := range s.Operations {
			if _, dup := b.ops[op.Name]; dup {
				panic("awsjson: duplicate operation " + s.TargetPrefix + "." + op.Name)
			}
			if op.Signed && auth == nil {
				panic("awsjson: signed operation " + op.Name + " needs an Authenticator")
			}
			b.ops[op.Name] = op
		}
		h.services[s.TargetPrefix] = b
	}
	return h
}

// outcome is what one request came to, for the access log and metrics.
type outcome struct {
	service, operation string
	status             int
	code               string
	cause              error // our own fault behind a 500; logged, never sent
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := NewRequestInfo(r)
	w.Header().Set("x-amzn-RequestId", info.ID)
	ctx := withRequestInfo(r.Context(), info)

	out := h.serve(ctx, w, r)

	took := time.Since(start)
	h.metrics.Observe(out.service, out.operation, out.status, out.code, took)
	attrs := []slog.Attr{
		slog.String("request_id", info.ID),
		slog.String("target", r.Header.Get("X-Amz-Target")),
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
	h.logger.LogAttrs(ctx, level, "aws request", attrs...)
}

func (h *Handler) serve(ctx context.Context, w http.ResponseWriter, r *http.Request) outcome {
	out := outcome{service: "unknown", operation: "unknown"}
	fail := func(err error) outcome {
		e, ok := awserr.As(err)
		if !ok {
			e = awserr.Internal(err)
		}
		if e.HTTPStatus() >= 500 {
			out.cause = e
		}
		WriteError(w, e)
		out.status, out.code = e.HTTPStatus(), e.Code
		return out
	}

	// AWS's JSON services only answer POST; any other method names no operation.
	if r.Method != http.MethodPost {
		return fail(&awserr.Error{Code: awserr.UnknownOperation, Message: "Only POST is supported.", Status: http.StatusNotFound})
	}
	svc, op, err := h.route(r.Header.Get("X-Amz-Target"))
	if svc != nil {
		out.service = svc.SigningName
	}
	if err != nil {
		return fail(err)
	}
	out.operation = op.Name
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return fail(err)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(awserr.Newf(awserr.Serialization, "The request body is larger than %d bytes.", MaxBodyBytes))
		}
		return fail(awserr.New(awserr.Serialization, "The request body could not be read."))
	}
	if op.Signed {
		if err := h.auth.Authenticate(ctx, r, body, svc.SigningName); err != nil {
			return fail(err)
		}
	}
	resp, err := call(ctx, op, body)
	if err != nil {
		return fail(err)
	}
	encoded, err := json.Marshal(resp)
	if err != nil {
		return fail(fmt.Errorf("encode %s response: %w", op.Name, err))
	}
	writeJSON(w, http.StatusOK, encoded)
	out.status = http.StatusOK
	return out
}

// route finds the service and operation a target such as
// "AWSCognitoIdentityProviderService.SignUp" names; the service is returned
// when only the operation is unknown, for metrics.
func (h *Handler) route(target string) (*boundService, Operation, error) {
	prefix, name, ok := strings.Cut(target, ".")
	svc := h.services[prefix]
	if !ok || svc == nil {
		return nil, Operation{}, awserr.New(awserr.UnknownOperation, "The X-Amz-Target header names no known service.")
	}
	op, ok := svc.ops[name]
	if !ok {
		return svc, Operation{}, awserr.New(awserr.UnknownOperation, "The X-Amz-Target header names no known operation.")
	}
	return svc, op, nil
}

func checkContentType(header string) error {
	mediaType, _, err := mime.ParseMediaType(header)
	if err == nil && (mediaType == "application/x-amz-json-1.1" || mediaType == "application/x-amz-json-1.0") {
		return nil
	}
	return awserr.New(awserr.Serialization, "The Content-Type must be application/x-amz-json-1.1.")
}

// call runs the operation, turning a panic into a 500 so one bad request
// cannot take the server down or leave the client without an answer.
func call(ctx context.Context, op Operation, body []byte) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("panic in %s: %v", op.Name, p)
		}
	}()
	return op.Handle(ctx, body)
}

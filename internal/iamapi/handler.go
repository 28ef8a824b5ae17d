// Package iamapi is the admin-signed IAM API subset for roles, in AWS's
// query protocol as boto3's and the AWS CLI's iam clients speak it: a form
// POST (or a GET) naming an Action, SigV4-signed for service "iam", answered
// in IAM's XML. The operations themselves are internal/roles'.
package iamapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/awsjson"
	"github.com/moat-dev/moat/internal/roles"
)

// SigningName is the SigV4 service name IAM requests are signed for.
const SigningName = "iam"

// GlobalRegion is where IAM lives: clients sign IAM requests for it
// whatever region they are configured for.
const GlobalRegion = "us-east-1"

// Handler serves the IAM query API.
type Handler struct {
	roles   *roles.Service
	auth    Authenticators
	logger  *slog.Logger
	metrics *awsjson.Metrics
}

// NewHandler serves svc's operations to requests auth admits; metrics may be nil.
func NewHandler(svc *roles.Service, auth Authenticators, logger *slog.Logger, metrics *awsjson.Metrics) *Handler {
	return &Handler{roles: svc, auth: auth, logger: logger, metrics: metrics}
}

// outcome is what one request came to, for the access log and metrics.
type outcome struct {
	action string
	status int
	code   string
	cause  error // our own fault behind a 500; logged, never sent
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := awsjson.NewRequestInfo(r)
	requestID := info.ID
	w.Header().Set("x-amzn-RequestId", requestID)

	out := h.serve(r.Context(), w, r, requestID)

	took := time.Since(start)
	h.metrics.Observe("iam", out.action, out.status, out.code, took)
	attrs := []slog.Attr{
		slog.String("request_id", requestID),
		slog.String("action", out.action),
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
	h.logger.LogAttrs(r.Context(), level, "iam request", attrs...)
}

func (h *Handler) serve(ctx context.Context, w http.ResponseWriter, r *http.Request, requestID string) outcome {
	out := outcome{action: "unknown"}
	fail := func(err error) outcome {
		e := wireError(err)
		if e.HTTPStatus() >= 500 {
			out.cause = e.Cause
		}
		writeError(w, e, requestID)
		out.status, out.code = e.HTTPStatus(), e.Code
		return out
	}

	var body []byte
	form := r.URL.RawQuery
	if r.Method == http.MethodPost {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, awsjson.MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return fail(&awserr.Error{Code: "RequestEntityTooLarge", Message: "The request body is too large.", Status: http.StatusRequestEntityTooLarge})
			}
			return fail(malformedQuery("The request body could not be read."))
		}
		form = string(body)
	}
	q, err := Decode(form)
	if err != nil {
		return fail(err)
	}
	act, ok := actions[q.Action]
	if !ok {
		// The name is the client's: it is not used as a metric label.
		return fail(awserr.Newf("InvalidAction", "Could not find operation %s for version 2010-05-08", printable(q.Action)))
	}
	out.action = q.Action
	if err := h.auth.Authenticate(ctx, r, body); err != nil {
		return fail(err)
	}
	result, err := call(ctx, act, h.roles, q)
	if err != nil {
		return fail(err)
	}
	if err := writeResult(w, q.Action, result, requestID); err != nil {
		return fail(err)
	}
	out.status = http.StatusOK
	return out
}

// call runs the action, turning a panic into a 500 so one bad request
// cannot take the server down or leave the client without an answer.
func call(ctx context.Context, act action, svc *roles.Service, q *Request) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, awserr.Internal(fmt.Errorf("panic in %s: %v", q.Action, p))
		}
	}()
	return act(ctx, svc, q)
}

// Package apigatewayapi serves the part of API Gateway's management API
// (REST-JSON, version 2015-07-09) that moat implements: API keys, usage
// plans, their keys and usage. boto3's and the AWS SDKs' apigateway clients
// work against it with only the endpoint changed; every call must be
// SigV4-signed with the admin credentials for service "apigateway".
package apigatewayapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// signingName is the SigV4 service name API Gateway's clients sign with.
const signingName = "apigateway"

// maxBodyBytes bounds a request body; management requests are small.
const maxBodyBytes = 1 << 20

// Authenticator checks a signed request (admin.Authenticator is one).
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error
}

// Config wires the handler.
type Config struct {
	Store         store.Store
	Usage         *usage.Service
	Authenticator Authenticator
	// KnownStage says whether the gateway serves stage of apiID; usage
	// plans may only cover stages that exist. nil accepts any.
	KnownStage func(apiID, stage string) bool
	Logger     *slog.Logger
}

// Handler is the management API.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the management API handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.KnownStage == nil {
		cfg.KnownStage = func(string, string) bool { return true }
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.routes()
	return h
}

// Matches claims the paths this API answers, for the identity listener's dispatcher.
func Matches(r *http.Request) bool {
	p := r.URL.Path
	return p == "/apikeys" || strings.HasPrefix(p, "/apikeys/") || p == "/usageplans" || strings.HasPrefix(p, "/usageplans/")
}

// call is one management request with its body read and authenticated.
type call struct {
	r    *http.Request
	body []byte
}

type operation func(ctx context.Context, c *call) (status int, out any, err error)

func (h *Handler) handle(pattern string, op operation) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{r: r, body: r.Context().Value(bodyKey{}).([]byte)}
		status, out, err := op(r.Context(), c)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if out == nil {
			w.WriteHeader(status)
			return
		}
		body, err := json.Marshal(out)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

type bodyKey struct{}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Amzn-Requestid", uuid.NewString())
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.writeError(w, r, badRequest("Request body is too large"))
			return
		}
		h.writeError(w, r, badRequest("Could not read the request body"))
		return
	}
	if err := h.cfg.Authenticator.Authenticate(r.Context(), r, body, signingName); err != nil {
		h.writeError(w, r, refusedSignature(err))
		return
	}
	if _, pattern := h.mux.Handler(r); pattern == "" {
		h.writeError(w, r, &apiError{status: http.StatusNotFound, code: "NotFoundException", message: "Invalid resource path " + r.Method + " " + r.URL.Path})
		return
	}
	h.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyKey{}, body)))
}

// apiError is a refusal in API Gateway's shape: the status, the error name
// in x-amzn-ErrorType, and {"message": …}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BadRequestException", message: msg}
}

func notFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NotFoundException", message: msg}
}

func conflict(msg string) *apiError {
	return &apiError{status: http.StatusConflict, code: "ConflictException", message: msg}
}

// refusedSignature answers an authentication failure as API Gateway's
// management API does: 403 with the SigV4 error's name (UnrecognizedClientException, …).
func refusedSignature(err error) error {
	var aws *awserr.Error
	if errors.As(err, &aws) && aws.HTTPStatus() < 500 {
		return &apiError{status: http.StatusForbidden, code: aws.Code, message: aws.Message}
	}
	return err
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	var aws *awserr.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &aws) && aws.HTTPStatus() < 500:
		e = &apiError{status: aws.HTTPStatus(), code: aws.Code, message: aws.Message}
	default:
		h.cfg.Logger.Error("apigateway management error", "method", r.Method, "path", r.URL.Path, "error", err)
		e = &apiError{status: http.StatusInternalServerError, code: "InternalFailureException", message: "Internal server error"}
	}
	body, _ := json.Marshal(map[string]string{"message": e.message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", e.code)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// decode reads a JSON request body; an empty body is an empty object.
func (c *call) decode(into any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, into); err != nil {
		return badRequest("Invalid request body: " + err.Error())
	}
	return nil
}

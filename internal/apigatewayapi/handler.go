// Package apigatewayapi serves the part of API Gateway's management API
// (REST-JSON, version 2015-07-09) that moat implements: API keys, usage
// plans, their keys and usage. boto3's and the AWS SDKs' apigateway clients
// work against it with only the endpoint changed; every call must be
// SigV4-signed with the admin credentials for service "apigateway". The
// framing (request ids, bodies, signatures, errors, logs, metrics) is
// internal/awsapi's.
package apigatewayapi

import (
	"context"
	"net/http"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// SigningName is the SigV4 service name API Gateway's clients sign with.
const SigningName = "apigateway"

// Config wires the handler.
type Config struct {
	Store store.Store
	Usage *usage.Service
	// KnownStage says whether the gateway serves stage of apiID; usage
	// plans may only cover stages that exist. nil accepts any.
	KnownStage func(apiID, stage string) bool
}

// Handler holds the management operations.
type Handler struct {
	cfg Config
}

// New returns the management API, to be served through an awsapi.Frame.
func New(cfg Config) awsapi.RESTAPI {
	if cfg.KnownStage == nil {
		cfg.KnownStage = func(string, string) bool { return true }
	}
	h := &Handler{cfg: cfg}
	return awsapi.RESTAPI{SigningName: SigningName, Prefixes: []string{"/apikeys", "/usageplans"}, Routes: h.routes()}
}

// call is one management request with its body read and authenticated.
type call struct {
	*awsapi.RESTCall
	r *http.Request // with the route's path values
}

// decode reads a JSON request body; an empty body is an empty object.
func (c *call) decode(into any) error { return c.Decode(into) }

type operation func(ctx context.Context, c *call) (status int, out any, err error)

func (h *Handler) route(name, pattern string, op operation) awsapi.Route {
	return awsapi.Route{Name: name, Pattern: pattern, Handle: func(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
		return op(ctx, &call{RESTCall: c, r: c.Request})
	}}
}

func badRequest(msg string) *awserr.Error {
	return awserr.New("BadRequestException", msg)
}

func notFound(msg string) *awserr.Error {
	return &awserr.Error{Code: "NotFoundException", Message: msg, Status: http.StatusNotFound}
}

func conflict(msg string) *awserr.Error {
	return &awserr.Error{Code: "ConflictException", Message: msg, Status: http.StatusConflict}
}

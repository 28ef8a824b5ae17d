// Package gateway is moat's API gateway: APIs with stages and routes, and the
// request pipeline route → WAF → resource policy → authorizer → usage plan →
// integration. Each stage is a small interface; implementations live in
// subpackages (authorizer/, integration/) and plug in by configuration.
package gateway

import (
	"context"
	"net/http"
	"time"
)

// Request is one gateway request as it moves through the pipeline. Stages
// read it and add to it; they never rewrite what an earlier stage decided.
type Request struct {
	HTTP      *http.Request
	RequestID string
	// Received is when the gateway began the request ($context.requestTime).
	Received time.Time
	API      *API
	Stage    *Stage
	Route    *Route
	// RoutePath is the request path below the API's base path and stage.
	RoutePath      string
	PathParameters map[string]string // {param} and {proxy+} values
	// MethodARN is arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>,
	// what policies (IAM, resource, custom authorizer) are evaluated against.
	MethodARN string
	// Identity is set by the route's authorizer; nil for routes open to all.
	Identity *Identity
	// BackendHeaders are the headers moat sets on the backend request (claim
	// headers); integrations apply them after removing hop-by-hop headers
	// (ApplyBackendHeaders). The client's own copies were removed.
	BackendHeaders http.Header

	x *exchange // what the built-in stages read of the compiled API and route
}

// Identity is who an authorizer found behind a request.
type Identity struct {
	// Kind is the kind of authorizer that found it, which decides how a
	// function integration's event shows it (requestContext.authorizer).
	Kind IdentityKind
	// Principal names the caller: a token's sub, an access key id, a custom
	// authorizer's principalId.
	Principal string
	// Claims are a verified token's claims (JWT and user-pool authorizers).
	Claims map[string]any
	// Scopes are the token's scopes (scope or scp claim).
	Scopes []string
	// Context is what a Lambda authorizer returned (values stringified for
	// REST APIs and payload 1.0, as returned for 2.0), or an AWS_IAM
	// caller's requestContext.identity fields.
	Context map[string]any
	// UsageIdentifierKey is the API key a custom authorizer chose, when the
	// API's key source is AUTHORIZER.
	UsageIdentifierKey string
}

// IdentityKind names the kinds of authorizer behind an Identity.
type IdentityKind uint8

const (
	// TokenIdentity is a verified token's (JWT, COGNITO_USER_POOLS): Claims and Scopes.
	TokenIdentity IdentityKind = iota
	// IAMIdentity is a SigV4 caller's (AWS_IAM): Context holds its
	// requestContext.identity fields.
	IAMIdentity
	// LambdaIdentity is a Lambda authorizer's answer: Principal is its
	// principalId (empty for simple responses), Context its context.
	LambdaIdentity
)

// FunctionInvoker runs functions for the gateway: aws_proxy integrations
// and Lambda authorizers. payload is the event as JSON the gateway
// built (it is not validated again). function is a name, an ARN or partial ARN,
// optionally name:qualifier; sourceARN is the execute-api ARN the call is
// made for, checked against the function's AddPermission statements for
// principal. functionError is "" on success or "Unhandled" when the handler
// failed, crashed or timed out (result then holds errorMessage, errorType,
// stackTrace); err says the function could not be invoked (API Gateway
// answers both as an integration failure).
type FunctionInvoker interface {
	InvokeFunction(ctx context.Context, principal, function, sourceARN string, payload []byte) (result []byte, functionError string, err error)
}

// GatewayPrincipal is the service principal the gateway invokes functions as.
const GatewayPrincipal = "apigateway.amazonaws.com"

// SourceIP is the address the request came from: the peer, never a
// forwarding header the client could write.
func (r *Request) SourceIP() string { return sourceIP(r.HTTP) }

// Authorizer decides whether a request may reach its route's integration.
// It returns the caller's identity, or an *Error (UNAUTHORIZED,
// ACCESS_DENIED, …) that the responder turns into API Gateway's answer.
type Authorizer interface {
	Authorize(ctx context.Context, req *Request) (*Identity, error)
}

// Integration produces the response for an authorized request: a proxied
// backend, a fixed mock answer, a function. Failures are *Error values
// (INTEGRATION_TIMEOUT, INTEGRATION_FAILURE) unless a response was already
// started, in which case the integration has answered as best it can.
type Integration interface {
	Serve(w http.ResponseWriter, req *Request) error
}

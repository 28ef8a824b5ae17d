// Package gateway is moat's API gateway: APIs with stages and routes, and the
// request pipeline route → WAF → resource policy → authorizer → usage plan →
// integration. Each stage is a small interface; implementations live in
// subpackages (authorizer/, integration/) and plug in by configuration.
package gateway

import (
	"context"
	"net/http"
)

// Request is one gateway request as it moves through the pipeline. Stages
// read it and add to it; they never rewrite what an earlier stage decided.
type Request struct {
	HTTP      *http.Request
	RequestID string
	API       *API
	Stage     *Stage
	Route     *Route
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
	// Principal names the caller: a token's sub, an access key id, a custom
	// authorizer's principalId.
	Principal string
	// Claims are a verified token's claims (JWT and user-pool authorizers).
	Claims map[string]any
	// Scopes are the token's scopes (scope or scp claim).
	Scopes []string
	// Context is what a custom authorizer returned, passed to integrations.
	Context map[string]any
	// UsageIdentifierKey is the API key a custom authorizer chose, when the
	// API's key source is AUTHORIZER.
	UsageIdentifierKey string
}

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

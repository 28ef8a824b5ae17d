package authorizer

import (
	"net/http"

	"github.com/moat-dev/moat/internal/gateway"
)

// Why a JWT was refused, as error_description in WWW-Authenticate. They say
// what is wrong with the token, never how moat found out.
const (
	descMalformed       = "the token is malformed"
	descUnknownIssuer   = "the token has an unknown issuer"
	descBadSignature    = "the token signature is invalid"
	descExpired         = "the token has expired"
	descNotYetValid     = "the token is not valid yet"
	descBadAudience     = "the token does not have a valid audience"
	descBadClaims       = "the token has invalid claims"
	messageUnauthorized = "Unauthorized"
	// messageExpired is what API Gateway's Cognito authorizer answers for an expired token.
	messageExpired = "The incoming token has expired"
)

// jwtUnauthorized is the JWT authorizer's 401. description is "" when the
// request carried no token (RFC 6750 §3.1: then no error code).
func jwtUnauthorized(description string) *gateway.Error {
	challenge, reason := "Bearer", "no token"
	if description != "" {
		challenge, reason = `Bearer error="invalid_token" error_description="`+description+`"`, description
	}
	return &gateway.Error{
		Type:    gateway.Unauthorized,
		Message: messageUnauthorized,
		Headers: http.Header{"Www-Authenticate": {challenge}},
		Reason:  reason,
	}
}

// jwtInsufficientScope is the JWT authorizer's answer to a valid token that
// lacks every scope the route asks for.
func jwtInsufficientScope() *gateway.Error {
	return &gateway.Error{
		Type:    gateway.AccessDenied,
		Message: "Forbidden",
		Headers: http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope"`}},
		Reason:  "the token has none of the route's scopes",
	}
}

// userPoolUnauthorized is the Cognito authorizer's 401, which carries no
// challenge; reason is for the debug log.
func userPoolUnauthorized(message, reason string) *gateway.Error {
	return &gateway.Error{Type: gateway.Unauthorized, Message: message, Reason: reason}
}

// authorizerFailure is moat's own fault (a store or issuer outage): a 500
// whose cause is logged, never sent.
func authorizerFailure(cause error) *gateway.Error {
	return &gateway.Error{Type: gateway.AuthorizerFailure, Message: "Internal server error", Cause: cause}
}

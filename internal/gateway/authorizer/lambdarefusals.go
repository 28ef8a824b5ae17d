package authorizer

import "github.com/moat-dev/moat/internal/gateway"

// How API Gateway answers for a Lambda authorizer. REST's Deny answers use
// a capital M ({"Message": …}); its failures carry no message
// ({"message": null}, x-amzn-ErrorType AuthorizerConfigurationException).
// HTTP APIs answer in their own plain words.
const (
	messageExplicitDeny = "User is not authorized to access this resource with an explicit deny"
	messageImplicitDeny = "User is not authorized to access this resource"
	capitalMessage      = `{"Message":$context.error.messageString}`
)

// lambdaUnauthorized is the 401 for a missing or invalid identity source
// or a function that answered "Unauthorized".
func lambdaUnauthorized(reason string) *gateway.Error {
	return &gateway.Error{Type: gateway.Unauthorized, Message: messageUnauthorized, Reason: reason}
}

// lambdaDenied is the 403 for a policy that denies the method, or a simple
// response that does not authorize.
func lambdaDenied(rest, explicit bool) *gateway.Error {
	switch {
	case !rest:
		return &gateway.Error{Type: gateway.AccessDenied, Message: "Forbidden", Reason: "the authorizer did not allow the route"}
	case explicit:
		return &gateway.Error{Type: gateway.AccessDenied, Message: messageExplicitDeny, Template: capitalMessage, Reason: "the authorizer's policy denies the method"}
	}
	return &gateway.Error{Type: gateway.AccessDenied, Message: messageImplicitDeny, Template: capitalMessage, Reason: "the authorizer's policy does not allow the method"}
}

// lambdaFailed is the 500 for an authorizer that could not be invoked,
// failed, timed out or answered out of shape. The cause is logged.
func lambdaFailed(rest bool, cause error) *gateway.Error {
	if !rest {
		return &gateway.Error{Type: gateway.AuthorizerFailure, Message: "Internal Server Error", Cause: cause}
	}
	return &gateway.Error{Type: gateway.AuthorizerConfigurationError, Message: "", Template: `{"message":null}`, Cause: cause}
}

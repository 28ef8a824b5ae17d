package gateway

import "net/http"

// ResponseType is an API Gateway gateway-response type; it picks the status
// and, through the API's gateway responses, the headers and body.
type ResponseType string

const (
	AccessDenied                 ResponseType = "ACCESS_DENIED"
	APIConfigurationError        ResponseType = "API_CONFIGURATION_ERROR"
	AuthorizerConfigurationError ResponseType = "AUTHORIZER_CONFIGURATION_ERROR"
	AuthorizerFailure            ResponseType = "AUTHORIZER_FAILURE"
	BadRequestParameters         ResponseType = "BAD_REQUEST_PARAMETERS"
	BadRequestBody               ResponseType = "BAD_REQUEST_BODY"
	Default4XX                   ResponseType = "DEFAULT_4XX"
	Default5XX                   ResponseType = "DEFAULT_5XX"
	ExpiredToken                 ResponseType = "EXPIRED_TOKEN"
	IntegrationFailure           ResponseType = "INTEGRATION_FAILURE"
	IntegrationTimeout           ResponseType = "INTEGRATION_TIMEOUT"
	InvalidAPIKey                ResponseType = "INVALID_API_KEY"
	InvalidSignature             ResponseType = "INVALID_SIGNATURE"
	MissingAuthenticationToken   ResponseType = "MISSING_AUTHENTICATION_TOKEN"
	QuotaExceeded                ResponseType = "QUOTA_EXCEEDED"
	RequestTooLarge              ResponseType = "REQUEST_TOO_LARGE"
	ResourceNotFound             ResponseType = "RESOURCE_NOT_FOUND"
	Throttled                    ResponseType = "THROTTLED"
	Unauthorized                 ResponseType = "UNAUTHORIZED"
	UnsupportedMediaType         ResponseType = "UNSUPPORTED_MEDIA_TYPE"
	WAFFiltered                  ResponseType = "WAF_FILTERED"
)

// defaultStatus is each type's status when the API does not override it.
var defaultStatus = map[ResponseType]int{
	AccessDenied: 403, APIConfigurationError: 500, AuthorizerConfigurationError: 500,
	AuthorizerFailure: 500, BadRequestParameters: 400, BadRequestBody: 400,
	ExpiredToken: 403, IntegrationFailure: 504, IntegrationTimeout: 504,
	InvalidAPIKey: 403, InvalidSignature: 403, MissingAuthenticationToken: 403,
	QuotaExceeded: 429, RequestTooLarge: 413, ResourceNotFound: 404, Throttled: 429,
	Unauthorized: 401, UnsupportedMediaType: 415, WAFFiltered: 403,
}

// Error is a pipeline stage's refusal or failure. The responder renders it
// as API Gateway does: status from the type (or Status when set), body
// {"message": Message} unless the API customizes the type's response, plus
// Headers (e.g. WWW-Authenticate, Retry-After).
type Error struct {
	Type    ResponseType
	Status  int // 0: the type's status (after the API's overrides)
	Message string
	Headers http.Header
	Cause   error // our own fault behind a 5xx; logged, never sent
	// Template is the body when the API customizes none of the type's
	// response; "" is {"message":$context.error.messageString}. API Gateway
	// answers some refusals in a shape of their own: a Lambda authorizer's
	// Deny as {"Message":…}, its failure as {"message":null}.
	Template string
	// Raw answers with Status, Headers and Body (of ContentType) as they
	// are, in place of {"message": …} and the API's gateway responses: a
	// WAF rule's custom response, which wins over them as in AWS.
	Raw               bool
	Body, ContentType string
	// Reason says why a 401 or 403 was given (no token, bad signature,
	// expired, scope, policy), for the debug log; never sent, never the token.
	Reason string
}

func (e *Error) Error() string { return string(e.Type) + ": " + e.Message }

func (e *Error) Unwrap() error { return e.Cause }

// DefaultStatus is the status API Gateway answers a response type with.
func DefaultStatus(t ResponseType) int {
	if s, ok := defaultStatus[t]; ok {
		return s
	}
	return 500
}

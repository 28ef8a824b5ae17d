package authorizer

import (
	"errors"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/tempcreds"
)

// API Gateway answers every AWS_IAM refusal with 403 and names the AWS
// error in x-amzn-ErrorType (repost.aws "api-gateway-iam-sigv4-mismatch").
const (
	messageInvalidToken = "The security token included in the request is invalid."
	messageExpiredToken = "The security token included in the request is expired"
)

// signatureRefusal maps the verifier's AWS error (and, when the key was
// unknown, why its session token was refused) to the gateway's answer.
func signatureRefusal(err error, openErr error) error {
	e, ok := awserr.As(err)
	if !ok || e.HTTPStatus() >= 500 {
		return authorizerFailure(err)
	}
	switch {
	case e.Code == awserr.MissingAuthToken:
		return &gateway.Error{Type: gateway.MissingAuthenticationToken, Message: "Missing Authentication Token", Reason: "no signature"}
	case e.Code == awserr.UnrecognizedClient && errors.Is(openErr, tempcreds.ErrExpired):
		return &gateway.Error{Type: gateway.ExpiredToken, Message: messageExpiredToken, Reason: "the session token has expired"}
	case e.Code == awserr.UnrecognizedClient:
		return invalidTokenRefusal()
	}
	// Signature mismatch, expired or future signature, bad scope, a
	// malformed Authorization header, a wrong X-Amz-Content-Sha256.
	return &gateway.Error{Type: gateway.InvalidSignature, Message: e.Message, Headers: errorType(e.Code), Reason: "bad signature: " + e.Code}
}

func invalidTokenRefusal() *gateway.Error {
	return &gateway.Error{Type: gateway.InvalidSignature, Message: messageInvalidToken, Headers: errorType(awserr.UnrecognizedClient),
		Reason: "unknown access key or invalid session token"}
}

// accessDenied is IAM's refusal, naming the caller and the method ARN.
func accessDenied(callerARN, methodARN string, d iam.Decision) *gateway.Error {
	msg := "User: " + callerARN + " is not authorized to perform: " + invokeAction + " on resource: " + methodARN
	reason := "policy: no statement allows " + invokeAction
	if d == iam.ExplicitDeny {
		msg += " with an explicit deny"
		reason = "policy: a statement denies " + invokeAction
	}
	return &gateway.Error{Type: gateway.AccessDenied, Message: msg, Reason: reason}
}

// errorType overrides the response type's default x-amzn-ErrorType.
func errorType(code string) http.Header {
	return http.Header{"X-Amzn-Errortype": {code}}
}

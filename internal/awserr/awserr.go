// Package awserr is the error every AWS-shaped API in moat returns: a code
// that becomes the wire's __type, a message, and the HTTP status. Domain
// packages return these so the wire adapters only encode them.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS service error. Status is 400 unless set.
type Error struct {
	Code    string // e.g. NotAuthorizedException
	Message string
	Status  int
	Cause   error // our own fault behind a 500; logged, never sent
	// Members are further members of the error's JSON body, which some
	// services' errors carry (WAFv2's Field, Parameter and Reason).
	Members map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func (e *Error) Unwrap() error { return e.Cause }

// HTTPStatus is the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// New returns a 400 error with the given code and message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Newf is New with a formatted message.
func Newf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns err as an *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Codes shared by several services.
const (
	InvalidParameter     = "InvalidParameterException"
	ResourceNotFound     = "ResourceNotFoundException"
	NotAuthorized        = "NotAuthorizedException"
	Unauthorized         = "UnauthorizedException"
	TooManyRequests      = "TooManyRequestsException"
	LimitExceeded        = "LimitExceededException"
	InternalError        = "InternalErrorException"
	Serialization        = "SerializationException"
	UnknownOperation     = "UnknownOperationException"
	UserNotFound         = "UserNotFoundException"
	UsernameExists       = "UsernameExistsException"
	InvalidPassword      = "InvalidPasswordException"
	UserNotConfirmed     = "UserNotConfirmedException"
	PasswordResetNeeded  = "PasswordResetRequiredException"
	GroupExists          = "GroupExistsException"
	CodeMismatch         = "CodeMismatchException"
	ExpiredCode          = "ExpiredCodeException"
	AliasExists          = "AliasExistsException"
	MissingAuthToken     = "MissingAuthenticationTokenException"
	UnrecognizedClient   = "UnrecognizedClientException"
	InvalidSignature     = "InvalidSignatureException"
	IncompleteSignature  = "IncompleteSignatureException"
	InvalidUserPoolConf  = "InvalidUserPoolConfigurationException"
	UnsupportedOperation = "UnsupportedOperationException"
	UnsupportedUserState = "UnsupportedUserStateException"
	CodeDeliveryFailure  = "CodeDeliveryFailureException"
	UnsupportedTokenType = "UnsupportedTokenTypeException"
	PreconditionNotMet   = "PreconditionNotMetException"

	// The OAuth side of user pools: app-client OAuth settings, resource
	// servers, domains and identity providers.
	InvalidOAuthFlow  = "InvalidOAuthFlowException"
	ScopeDoesNotExist = "ScopeDoesNotExistException"
	DuplicateProvider = "DuplicateProviderException"
)

// Internal wraps one of our own faults as a 500 InternalErrorException; the
// cause is logged by the wire layer, never sent.
func Internal(cause error) *Error {
	return &Error{Code: InternalError, Message: "Internal server error.", Status: http.StatusInternalServerError, Cause: cause}
}

// Reason is a client error's message alone, for a reader of the config
// file who needs the why, not the wire's code; other errors are as they are.
func Reason(err error) error {
	if e, ok := As(err); ok && e.Status < 500 {
		return errors.New(e.Message)
	}
	return err
}

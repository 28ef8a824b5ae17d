package functions

import (
	"fmt"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

// Lambda's error codes.
const (
	codeNotFound       = "ResourceNotFoundException"
	codeConflict       = "ResourceConflictException"
	codeInvalidParam   = "InvalidParameterValueException"
	codeValidation     = "ValidationException"
	codeTooMany        = "TooManyRequestsException"
	codeTooLarge       = "RequestTooLargeException"
	codeInvalidContent = "InvalidRequestContentException"
	codePrecondition   = "PreconditionFailedException"
	codeAccessDenied   = "AccessDeniedException"
	codeService        = "ServiceException"
)

func functionNotFound(arn string) *awserr.Error {
	return &awserr.Error{Code: codeNotFound, Message: "Function not found: " + arn, Status: http.StatusNotFound}
}

func resourceNotFound() *awserr.Error {
	return &awserr.Error{Code: codeNotFound, Message: "The resource you requested does not exist.", Status: http.StatusNotFound}
}

func conflict(format string, args ...any) *awserr.Error {
	return &awserr.Error{Code: codeConflict, Message: fmt.Sprintf(format, args...), Status: http.StatusConflict}
}

func invalidParam(format string, args ...any) *awserr.Error {
	return awserr.Newf(codeInvalidParam, format, args...)
}

// validation is botocore's "1 validation error detected" shape.
func validation(value, member, constraint string) *awserr.Error {
	return awserr.Newf(codeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

// Throttle reasons, as Lambda names them in TooManyRequestsException.
const (
	reasonReserved = "ReservedFunctionConcurrentInvocationLimitExceeded"
	reasonAccount  = "ConcurrentInvocationLimitExceeded"
)

// throttle is Lambda's answer to an invocation refused for concurrency.
func throttle(reason string) error {
	return &awserr.Error{Code: codeTooMany, Message: "Rate Exceeded.", Status: http.StatusTooManyRequests,
		Members: map[string]string{"Reason": reason}}
}

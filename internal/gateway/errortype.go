package gateway

// errorTypeHeader is the x-amzn-ErrorType API Gateway sends with each
// response type; types not listed send the class's generic exception.
var errorTypeHeader = map[ResponseType]string{
	AccessDenied: "AccessDeniedException",
	// A Lambda authorizer that fails, times out or answers out of shape.
	AuthorizerConfigurationError: "AuthorizerConfigurationException",
	AuthorizerFailure:            "AuthorizerConfigurationException",
	BadRequestParameters:         "BadRequestException",
	BadRequestBody:               "BadRequestException",
	ExpiredToken:                 "ExpiredTokenException",
	InvalidAPIKey:                "ForbiddenException",
	InvalidSignature:             "InvalidSignatureException",
	MissingAuthenticationToken:   "MissingAuthenticationTokenException",
	QuotaExceeded:                "LimitExceededException",
	RequestTooLarge:              "RequestTooLargeException",
	ResourceNotFound:             "NotFoundException",
	Throttled:                    "TooManyRequestsException",
	Unauthorized:                 "UnauthorizedException",
	UnsupportedMediaType:         "UnsupportedMediaTypeException",
	WAFFiltered:                  "ForbiddenException",
}

func errorTypeName(t ResponseType, status int) string {
	if name, ok := errorTypeHeader[t]; ok {
		return name
	}
	if status < 500 {
		return "BadRequestException"
	}
	return "InternalServerErrorException"
}

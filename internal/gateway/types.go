package gateway

import (
	"errors"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/cognitoproxy"
)

// The integration and authorizer types moat knows, by the names
// configuration gives them. Validate refuses any other; the builders
// (integration.Builder, authorizer.New) each keep one constructor per name,
// and their tests hold them to these lists. A new type — aws_proxy over
// functions, a Lambda TOKEN or REQUEST authorizer — starts here, with its
// own settings struct below.
const (
	HTTPProxyIntegration   = "http_proxy"
	MockIntegration        = "mock"
	LambdaProxyIntegration = "lambda_proxy"
	// CognitoIdpIntegration is the Cognito-API proxy for public clients
	// (package cognitoproxy): a user pool's calls, with app-client secrets
	// added server-side.
	CognitoIdpIntegration = "cognito_idp"

	JWTAuthorizer       = "JWT"
	UserPoolsAuthorizer = "COGNITO_USER_POOLS"
	IAMAuthorizer       = "AWS_IAM"
	// TOKEN and REQUEST are Lambda authorizers, as API Gateway names them.
	TokenAuthorizer   = "TOKEN"
	RequestAuthorizer = "REQUEST"
)

// awsProxyIntegration is API Gateway's own name for lambda_proxy, as its
// OpenAPI exports write it.
const awsProxyIntegration = "aws_proxy"

// IntegrationTypes lists every integration type, as written in configuration
// (matched without regard to case, as API Gateway's OpenAPI does).
func IntegrationTypes() []string {
	return []string{HTTPProxyIntegration, MockIntegration, LambdaProxyIntegration, CognitoIdpIntegration}
}

// AuthorizerTypes lists every authorizer type.
func AuthorizerTypes() []string {
	return []string{JWTAuthorizer, UserPoolsAuthorizer, IAMAuthorizer, TokenAuthorizer, RequestAuthorizer}
}

// IntegrationType is the configured type's canonical name, or "" when it
// names none.
func (c IntegrationConfig) IntegrationType() string {
	if strings.EqualFold(c.Type, awsProxyIntegration) {
		return LambdaProxyIntegration
	}
	i := slices.IndexFunc(IntegrationTypes(), func(t string) bool { return strings.EqualFold(t, c.Type) })
	if i < 0 {
		return ""
	}
	return IntegrationTypes()[i]
}

// Each type's settings. A route's IntegrationConfig (and an
// AuthorizerConfig) is the flat form configuration files write — `type`
// beside that type's fields, as API Gateway's own documents do; builders read
// it through these, each seeing only its own type's settings.

// HTTPProxySettings are an http_proxy integration's settings.
type HTTPProxySettings struct {
	URI               string
	HTTPMethod        string
	TimeoutMillis     int
	RequestParameters map[string]string
	Secrets           []SecretInjection
	ClientCertificate *ClientCertificate
}

// MockSettings are a mock integration's fixed answer.
type MockSettings struct {
	StatusCode int
	Headers    map[string]string
	Body       string
}

// LambdaProxySettings are a lambda_proxy (aws_proxy) integration's settings.
type LambdaProxySettings struct {
	// Function is a name, ARN or name:qualifier; ${stageVariables.x} is substituted.
	Function string
	// PayloadFormatVersion is 1.0 or 2.0 (HTTP APIs); "" takes the API's default.
	PayloadFormatVersion string
	TimeoutMillis        int
}

// HTTPProxy is c's http_proxy settings.
func (c IntegrationConfig) HTTPProxy() HTTPProxySettings {
	return HTTPProxySettings{URI: c.URI, HTTPMethod: c.HTTPMethod, TimeoutMillis: c.TimeoutMillis,
		RequestParameters: c.RequestParameters, Secrets: c.Secrets, ClientCertificate: c.ClientCertificate}
}

// Mock is c's mock settings.
func (c IntegrationConfig) Mock() MockSettings {
	return MockSettings{StatusCode: c.StatusCode, Headers: c.Headers, Body: c.Body}
}

// LambdaProxy is c's lambda_proxy settings. What only an HTTP backend or a
// mock takes would be ignored, so it is refused.
func (c IntegrationConfig) LambdaProxy() (LambdaProxySettings, error) {
	switch {
	case c.Function == "":
		return LambdaProxySettings{}, errors.New("function is empty: name the function the route invokes")
	case c.URI != "" || c.HTTPMethod != "" || len(c.RequestParameters) > 0 || len(c.Secrets) > 0 || c.ClientCertificate != nil:
		return LambdaProxySettings{}, errors.New("uri, httpMethod, requestParameters, secrets and clientCertificate are for http_proxy integrations; a lambda_proxy integration takes function")
	case c.StatusCode != 0 || len(c.Headers) > 0 || c.Body != "":
		return LambdaProxySettings{}, errors.New("statusCode, headers and body are for mock integrations")
	}
	return LambdaProxySettings{Function: c.Function, PayloadFormatVersion: c.PayloadFormatVersion, TimeoutMillis: c.TimeoutMillis}, nil
}

// CognitoIdp is c's cognito_idp settings, which package cognitoproxy
// checks; what only another type takes would be ignored, so it is refused.
func (c IntegrationConfig) CognitoIdp() (cognitoproxy.Settings, error) {
	switch {
	case c.URI != "" || c.HTTPMethod != "" || len(c.RequestParameters) > 0 || len(c.Secrets) > 0 || c.ClientCertificate != nil:
		return cognitoproxy.Settings{}, errors.New("uri, httpMethod, requestParameters, secrets and clientCertificate are for http_proxy integrations; a cognito_idp integration takes upstream and clients")
	case c.Function != "" || c.PayloadFormatVersion != "":
		return cognitoproxy.Settings{}, errors.New("function and payloadFormatVersion are for lambda_proxy integrations")
	case c.StatusCode != 0 || len(c.Headers) > 0 || c.Body != "":
		return cognitoproxy.Settings{}, errors.New("statusCode, headers and body are for mock integrations")
	}
	return c.CognitoProxy, nil
}

// JWTSettings are a JWT authorizer's settings, beside its identity source.
type JWTSettings struct {
	Issuers      []IssuerConfig
	ClaimHeaders map[string]string
}

// UserPoolsSettings are a COGNITO_USER_POOLS authorizer's settings, beside
// its identity source.
type UserPoolsSettings struct {
	UserPools    []string
	ClaimHeaders map[string]string
}

// IAMSettings are an AWS_IAM authorizer's settings: which of the caller's
// identity fields go to the backend as headers.
type IAMSettings struct {
	ClaimHeaders map[string]string
}

// LambdaAuthorizerSettings are a TOKEN or REQUEST authorizer's settings.
type LambdaAuthorizerSettings struct {
	Function string
	// IdentitySource is one source (TOKEN: a header) or a comma-separated
	// list (REQUEST): $request.header.X, $request.querystring.X,
	// $stageVariables.X, $context.X, or REST's method.request.… spellings.
	IdentitySource string
	// ValidationExpression (TOKEN) is a regular expression a token must
	// match before the function is invoked.
	ValidationExpression string
	// ResultTTLSeconds is how long an answer is reused for the same
	// identity sources: 0 to 3600; nil: 300.
	ResultTTLSeconds *int
	// PayloadFormatVersion (HTTP APIs) is 1.0 or 2.0; SimpleResponses (2.0)
	// lets the function answer {"isAuthorized": bool}.
	PayloadFormatVersion string
	SimpleResponses      bool
}

// An authorizer's settings of another type would be ignored, so they are
// refused, naming the field.

// refuseLambdaFields is the refusal of every token authorizer's builder.
func (c AuthorizerConfig) refuseLambdaFields() error {
	if c.Function != "" || c.IdentityValidationExpression != "" || c.ResultTTLSeconds != nil || c.PayloadFormatVersion != "" || c.EnableSimpleResponses {
		return errors.New("function, identityValidationExpression, authorizerResultTtlInSeconds, authorizerPayloadFormatVersion and enableSimpleResponses are for TOKEN and REQUEST (Lambda) authorizers")
	}
	return nil
}

// Lambda is c's TOKEN or REQUEST settings.
func (c AuthorizerConfig) Lambda() (LambdaAuthorizerSettings, error) {
	switch {
	case c.Function == "":
		return LambdaAuthorizerSettings{}, errors.New("function is empty: name the function that authorizes")
	case len(c.Issuers) > 0 || len(c.UserPools) > 0:
		return LambdaAuthorizerSettings{}, errors.New("issuers and userPools are for JWT and COGNITO_USER_POOLS authorizers")
	case len(c.ClaimHeaders) > 0:
		return LambdaAuthorizerSettings{}, errors.New("claimHeaders: a Lambda authorizer's context reaches backends through requestParameters ($context.authorizer.<key>)")
	}
	return LambdaAuthorizerSettings{Function: c.Function, IdentitySource: c.IdentitySource,
		ValidationExpression: c.IdentityValidationExpression, ResultTTLSeconds: c.ResultTTLSeconds,
		PayloadFormatVersion: c.PayloadFormatVersion, SimpleResponses: c.EnableSimpleResponses}, nil
}

// JWT is c's JWT settings.
func (c AuthorizerConfig) JWT() (JWTSettings, error) {
	if err := c.refuseLambdaFields(); err != nil {
		return JWTSettings{}, err
	}
	if len(c.UserPools) > 0 {
		return JWTSettings{}, errors.New("userPools is for COGNITO_USER_POOLS authorizers; a JWT authorizer takes issuers")
	}
	return JWTSettings{Issuers: c.Issuers, ClaimHeaders: c.ClaimHeaders}, nil
}

// UserPoolsSettings is c's COGNITO_USER_POOLS settings.
func (c AuthorizerConfig) UserPoolsSettings() (UserPoolsSettings, error) {
	if err := c.refuseLambdaFields(); err != nil {
		return UserPoolsSettings{}, err
	}
	if len(c.Issuers) > 0 {
		return UserPoolsSettings{}, errors.New("issuers is for JWT authorizers; a COGNITO_USER_POOLS authorizer takes userPools")
	}
	return UserPoolsSettings{UserPools: c.UserPools, ClaimHeaders: c.ClaimHeaders}, nil
}

// IAM is c's AWS_IAM settings.
func (c AuthorizerConfig) IAM() (IAMSettings, error) {
	if err := c.refuseLambdaFields(); err != nil {
		return IAMSettings{}, err
	}
	if len(c.Issuers) > 0 || len(c.UserPools) > 0 {
		return IAMSettings{}, errors.New("an AWS_IAM authorizer takes neither issuers nor userPools")
	}
	return IAMSettings{ClaimHeaders: c.ClaimHeaders}, nil
}

package gateway

import (
	"errors"
	"slices"
	"strings"
)

// The integration and authorizer types moat knows, by the names
// configuration gives them. Validate refuses any other; the builders
// (integration.Builder, authorizer.New) each keep one constructor per name,
// and their tests hold them to these lists. A new type — aws_proxy over
// functions, a Lambda TOKEN or REQUEST authorizer — starts here, with its
// own settings struct below.
const (
	HTTPProxyIntegration = "http_proxy"
	MockIntegration      = "mock"

	JWTAuthorizer       = "JWT"
	UserPoolsAuthorizer = "COGNITO_USER_POOLS"
	IAMAuthorizer       = "AWS_IAM"
)

// IntegrationTypes lists every integration type, as written in configuration
// (matched without regard to case, as API Gateway's OpenAPI does).
func IntegrationTypes() []string { return []string{HTTPProxyIntegration, MockIntegration} }

// AuthorizerTypes lists every authorizer type.
func AuthorizerTypes() []string { return []string{JWTAuthorizer, UserPoolsAuthorizer, IAMAuthorizer} }

// IntegrationType is the configured type's canonical name, or "" when it
// names none.
func (c IntegrationConfig) IntegrationType() string {
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

// HTTPProxy is c's http_proxy settings.
func (c IntegrationConfig) HTTPProxy() HTTPProxySettings {
	return HTTPProxySettings{URI: c.URI, HTTPMethod: c.HTTPMethod, TimeoutMillis: c.TimeoutMillis,
		RequestParameters: c.RequestParameters, Secrets: c.Secrets, ClientCertificate: c.ClientCertificate}
}

// Mock is c's mock settings.
func (c IntegrationConfig) Mock() MockSettings {
	return MockSettings{StatusCode: c.StatusCode, Headers: c.Headers, Body: c.Body}
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

// An authorizer's settings of another type would be ignored, so they are
// refused, naming the field.

// JWT is c's JWT settings.
func (c AuthorizerConfig) JWT() (JWTSettings, error) {
	if len(c.UserPools) > 0 {
		return JWTSettings{}, errors.New("userPools is for COGNITO_USER_POOLS authorizers; a JWT authorizer takes issuers")
	}
	return JWTSettings{Issuers: c.Issuers, ClaimHeaders: c.ClaimHeaders}, nil
}

// UserPoolsSettings is c's COGNITO_USER_POOLS settings.
func (c AuthorizerConfig) UserPoolsSettings() (UserPoolsSettings, error) {
	if len(c.Issuers) > 0 {
		return UserPoolsSettings{}, errors.New("issuers is for JWT authorizers; a COGNITO_USER_POOLS authorizer takes userPools")
	}
	return UserPoolsSettings{UserPools: c.UserPools, ClaimHeaders: c.ClaimHeaders}, nil
}

// IAM is c's AWS_IAM settings.
func (c AuthorizerConfig) IAM() (IAMSettings, error) {
	if len(c.Issuers) > 0 || len(c.UserPools) > 0 {
		return IAMSettings{}, errors.New("an AWS_IAM authorizer takes neither issuers nor userPools")
	}
	return IAMSettings{ClaimHeaders: c.ClaimHeaders}, nil
}

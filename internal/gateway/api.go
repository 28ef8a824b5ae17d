package gateway

import (
	"github.com/moat-dev/moat/internal/cognitoproxy"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/usage"
)

// The API model. Its fields are moat's configuration (YAML, `apis:` in the
// config file) one to one, and what an OpenAPI document with API Gateway's
// x-amazon-apigateway-* extensions is translated into.

// API is one API: routes under a base path and/or host, served in stages.
type API struct {
	Name string `yaml:"name"`
	// ID appears in execute-api ARNs; generated from the name when empty.
	ID string `yaml:"id,omitempty"`
	// Type is HTTP (API Gateway HTTP API: unmatched → 404 "Not Found") or
	// REST (unmatched → 403 "Missing Authentication Token"). Default HTTP.
	Type string `yaml:"type,omitempty"`
	// APIKeySource is where a REST API's methods with apiKeyRequired read
	// the API key: HEADER (X-API-Key, the default) or AUTHORIZER (the
	// authorizer's usageIdentifierKey).
	APIKeySource string   `yaml:"apiKeySource,omitempty"`
	BasePath     string   `yaml:"basePath,omitempty"`
	Hosts        []string `yaml:"hosts,omitempty"`
	// Stages: "$default" serves at the base path itself; any other stage
	// name is a path prefix (/prod/...), as in API Gateway. Default: one $default stage.
	Stages           []Stage                          `yaml:"stages,omitempty"`
	Authorizers      []AuthorizerConfig               `yaml:"authorizers,omitempty"`
	CORS             *CORS                            `yaml:"cors,omitempty"`
	GatewayResponses map[ResponseType]GatewayResponse `yaml:"gatewayResponses,omitempty"`
	// ResourcePolicy (REST APIs) is an IAM policy checked for every request
	// before the authorizer (docs/gateway.md, "Resource policies").
	ResourcePolicy iam.Document `yaml:"resourcePolicy,omitempty"`
	// BinaryMediaTypes (REST APIs) are the content types whose bodies a
	// function integration receives base64-encoded and may answer
	// base64-encoded ("image/png", "image/*", "*/*").
	BinaryMediaTypes []string `yaml:"binaryMediaTypes,omitempty"`
	// MaxBodyBytes (moat's extension) bounds request bodies; larger ones get
	// 413. Default DefaultMaxBodyBytes, API Gateway's 10 MB.
	MaxBodyBytes int64   `yaml:"maxBodyBytes,omitempty"`
	Routes       []Route `yaml:"routes"`
}

// Stage is a deployment of the API with its own variables.
type Stage struct {
	Name      string            `yaml:"name"`
	Variables map[string]string `yaml:"variables,omitempty"`
	// Throttle is the stage's default method throttle: every method of the
	// stage gets its own bucket of this size, for every caller.
	Throttle *Throttle `yaml:"throttle,omitempty"`
}

// Throttle is a token bucket (burstLimit at once, rateLimit a second),
// the same as usage plans write it.
type Throttle = usage.Throttle

// Route maps a method and path template to an integration.
type Route struct {
	// Method is an HTTP method or ANY.
	Method string `yaml:"method"`
	// Path is a template: /dragons, /dragons/{id}, /files/{proxy+}, or $default.
	Path string `yaml:"path"`
	// Authorizer names one of the API's authorizers; empty means NONE.
	Authorizer string `yaml:"authorizer,omitempty"`
	// Scopes: the token must carry at least one (JWT and user-pool authorizers).
	Scopes []string `yaml:"scopes,omitempty"`
	// Groups (moat's extension): the verified token's cognito:groups must
	// hold at least one of these, else 403 Forbidden.
	Groups []string `yaml:"groups,omitempty"`
	// APIKeyRequired (REST APIs) refuses callers without an enabled API key
	// in a usage plan covering the stage: 403 Forbidden.
	APIKeyRequired bool `yaml:"apiKeyRequired,omitempty"`
	// Throttle is this method's throttle in every stage, replacing the
	// stage's default; usage plans may set their own per key.
	Throttle *Throttle `yaml:"throttle,omitempty"`
	// WebSocket (moat's extension; YAML only) lets GET requests upgrade to a
	// WebSocket tunnelled to the route's http_proxy backend, after the
	// pipeline has passed the handshake. Other routes refuse upgrades.
	WebSocket   bool              `yaml:"websocket,omitempty"`
	Integration IntegrationConfig `yaml:"integration"`
}

// AuthorizerConfig configures one authorizer of an API.
type AuthorizerConfig struct {
	Name string `yaml:"name"`
	// Type is JWT, COGNITO_USER_POOLS, AWS_IAM (SigV4), or a Lambda
	// authorizer: TOKEN (REST APIs) or REQUEST.
	Type string `yaml:"type"`
	// IdentitySource is where the token is read; default $request.header.Authorization.
	// A REQUEST authorizer reads a comma-separated list of sources:
	// $request.header.X, $request.querystring.X, $stageVariables.X, $context.X.
	IdentitySource string `yaml:"identitySource,omitempty"`
	// Function (TOKEN, REQUEST) is the function that authorizes: a name,
	// ARN or name:qualifier.
	Function string `yaml:"function,omitempty"`
	// IdentityValidationExpression (TOKEN) is a regular expression the
	// token must match; a token that does not is refused 401 uninvoked.
	IdentityValidationExpression string `yaml:"identityValidationExpression,omitempty"`
	// ResultTTLSeconds (TOKEN, REQUEST) is how long the function's answer
	// is reused for the same identity sources: 0 (every request invokes) to
	// 3600; default 300.
	ResultTTLSeconds *int `yaml:"authorizerResultTtlInSeconds,omitempty"`
	// PayloadFormatVersion (REQUEST on HTTP APIs) is 1.0 or 2.0 (default).
	PayloadFormatVersion string `yaml:"authorizerPayloadFormatVersion,omitempty"`
	// EnableSimpleResponses (payload 2.0) lets the function answer
	// {"isAuthorized": true|false, "context": {…}} instead of a policy.
	EnableSimpleResponses bool `yaml:"enableSimpleResponses,omitempty"`
	// Issuers (JWT): one or more trusted issuers. API Gateway allows one;
	// moat allows several.
	Issuers []IssuerConfig `yaml:"issuers,omitempty"`
	// UserPools (COGNITO_USER_POOLS): moat pool ids or user-pool ARNs.
	UserPools []string `yaml:"userPools,omitempty"`
	// ClaimHeaders copies verified claims to request headers for the backend
	// (claim name → header name). For AWS_IAM the names are the caller's
	// requestContext.identity fields: cognitoIdentityId, cognitoIdentityPoolId,
	// cognitoAuthenticationType, cognitoAuthenticationProvider, accessKey,
	// userArn, caller.
	ClaimHeaders map[string]string `yaml:"claimHeaders,omitempty"`
}

// IssuerConfig is one trusted JWT issuer.
type IssuerConfig struct {
	Issuer string `yaml:"issuer"`
	// JWKSURI is the issuer's key set; empty: read jwks_uri from the
	// issuer's /.well-known/openid-configuration.
	JWKSURI string `yaml:"jwksUri,omitempty"`
	// Audience: the token's aud (or, when aud is absent, client_id) must be
	// one of these. Required: YAML "audience: any" (AnyAudience) admits
	// every audience, which must be said, never assumed.
	Audience    []string `yaml:"audience,omitempty"`
	AnyAudience bool     `yaml:"-"`
}

// IntegrationConfig says what serves a route.
type IntegrationConfig struct {
	// Type is http_proxy, mock, lambda_proxy (API Gateway's aws_proxy: a
	// function) or cognito_idp (a user pool's API for public clients).
	Type string `yaml:"type"`
	// Function (lambda_proxy) is the function invoked: a name, ARN or
	// name:qualifier; ${stageVariables.x} is substituted.
	Function string `yaml:"function,omitempty"`
	// PayloadFormatVersion (lambda_proxy) is the event's shape: 1.0 (REST
	// APIs, and HTTP APIs that ask) or 2.0 (the HTTP API default).
	PayloadFormatVersion string `yaml:"payloadFormatVersion,omitempty"`
	// URI (http_proxy) is the backend URL; {param} and ${stageVariables.x} are substituted.
	URI string `yaml:"uri,omitempty"`
	// HTTPMethod (http_proxy) overrides the method sent to the backend; ANY keeps the client's.
	HTTPMethod string `yaml:"httpMethod,omitempty"`
	// TimeoutMillis bounds the backend call: 50 to 30000, default 29000.
	TimeoutMillis int `yaml:"timeoutMillis,omitempty"`
	// RequestParameters map backend request parts from client request parts,
	// as API Gateway's HTTP APIs do: "overwrite:header.X" / "append:querystring.y" /
	// "remove:header.Z" / "overwrite:path" → "$request.header.A", "$request.path.id", a literal.
	RequestParameters map[string]string `yaml:"requestParameters,omitempty"`
	// Secrets add values the client never sees (a provider's API key).
	Secrets []SecretInjection `yaml:"secrets,omitempty"`
	// ClientCertificate (http_proxy) is an mTLS certificate for the backend.
	ClientCertificate *ClientCertificate `yaml:"clientCertificate,omitempty"`
	// Mock answer (type mock).
	StatusCode int               `yaml:"statusCode,omitempty"`
	Headers    map[string]string `yaml:"headers,omitempty"`
	Body       string            `yaml:"body,omitempty"`
	// CognitoProxy (cognito_idp) is upstream, clients, operations,
	// userLimit and sealTokens, beside the type.
	CognitoProxy cognitoproxy.Settings `yaml:",inline"`
}

// SecretInjection puts a secret into the backend request. A client-sent
// value of the same name is removed first; the value is never logged.
type SecretInjection struct {
	// In is header, query or path; for path, Name is a {placeholder} of the URI.
	In   string `yaml:"in"`
	Name string `yaml:"name"`
	// The value comes from an environment variable or a file (trailing newline trimmed).
	FromEnv  string `yaml:"fromEnv,omitempty"`
	FromFile string `yaml:"fromFile,omitempty"`
	// Value is a secret moat itself holds (the demo's stand-in provider
	// key); it cannot come from a configuration file.
	Value string `yaml:"-"`
	// Prefix is prepended to the value (e.g. "Bearer ").
	Prefix string `yaml:"prefix,omitempty"`
}

// ClientCertificate is a PEM certificate and key for mTLS to a backend.
type ClientCertificate struct {
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
	CAFile   string `yaml:"caFile,omitempty"`
}

// CORS is an HTTP API's CORS configuration; the gateway answers preflights itself.
type CORS struct {
	AllowOrigins     []string `yaml:"allowOrigins,omitempty"` // exact, "*", or with a wildcard subdomain (https://*.example.com)
	AllowMethods     []string `yaml:"allowMethods,omitempty"`
	AllowHeaders     []string `yaml:"allowHeaders,omitempty"`
	ExposeHeaders    []string `yaml:"exposeHeaders,omitempty"`
	MaxAge           int      `yaml:"maxAge,omitempty"`
	AllowCredentials bool     `yaml:"allowCredentials,omitempty"`
}

// GatewayResponse customizes one response type.
type GatewayResponse struct {
	StatusCode int               `yaml:"statusCode,omitempty"`
	Headers    map[string]string `yaml:"headers,omitempty"`
	// Body is a template; $context.error.messageString (a JSON string) and
	// $context.error.message are substituted. Default {"message":$context.error.messageString}.
	Body string `yaml:"body,omitempty"`
}

package apidef

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
	"go.yaml.in/yaml/v3"
)

type document struct {
	Info struct {
		Title string `yaml:"title"`
	} `yaml:"info"`
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		SecuritySchemes map[string]securityScheme `yaml:"securitySchemes"`
	} `yaml:"components"`
	SecurityDefinitions map[string]securityScheme            `yaml:"securityDefinitions"` // Swagger 2
	CORS                *corsExt                             `yaml:"x-amazon-apigateway-cors"`
	GatewayResponses    map[gateway.ResponseType]responseExt `yaml:"x-amazon-apigateway-gateway-responses"`
	APIKeySource        string                               `yaml:"x-amazon-apigateway-api-key-source"`
	Policy              iam.Document                         `yaml:"x-amazon-apigateway-policy"`
	BinaryMediaTypes    []string                             `yaml:"x-amazon-apigateway-binary-media-types"`
	Extra               map[string]any                       `yaml:",inline"`
}

type securityScheme struct {
	// Type, In and Name describe an API key scheme (apiKey, header, x-api-key).
	Type string `yaml:"type"`
	In   string `yaml:"in"`
	Name string `yaml:"name"`
	// AuthType awsSigv4 is how API Gateway exports AWS_IAM authorization:
	// {type: apiKey, name: Authorization, in: header}.
	AuthType   string         `yaml:"x-amazon-apigateway-authtype"`
	Authorizer *authorizerExt `yaml:"x-amazon-apigateway-authorizer"`
}

type authorizerExt struct {
	Type             string     `yaml:"type"`
	IdentitySource   sourceList `yaml:"identitySource"`
	ProviderARNs     []string   `yaml:"providerARNs"`
	JWTConfiguration struct {
		Issuer   string   `yaml:"issuer"`
		Audience []string `yaml:"audience"`
	} `yaml:"jwtConfiguration"`
	// Lambda (token, request) authorizers.
	AuthorizerURI                string  `yaml:"authorizerUri"`
	AuthorizerCredentials        string  `yaml:"authorizerCredentials"`
	IdentityValidationExpression string  `yaml:"identityValidationExpression"`
	ResultTTLSeconds             *number `yaml:"authorizerResultTtlInSeconds"`
	PayloadFormatVersion         string  `yaml:"authorizerPayloadFormatVersion"`
	EnableSimpleResponses        bool    `yaml:"enableSimpleResponses"`
}

// sourceList is an identity source list: REST exports write one
// comma-separated string, some HTTP API documents a YAML list.
type sourceList string

func (s *sourceList) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.SequenceNode {
		var list []string
		if err := node.Decode(&list); err != nil {
			return err
		}
		*s = sourceList(strings.Join(list, ","))
		return nil
	}
	var one string
	if err := node.Decode(&one); err != nil {
		return err
	}
	*s = sourceList(one)
	return nil
}

type operation struct {
	Security    []map[string][]string `yaml:"security"`
	Integration *integrationExt       `yaml:"x-amazon-apigateway-integration"`
	Extra       map[string]any        `yaml:",inline"`
}

type integrationExt struct {
	Type                 string            `yaml:"type"`
	PayloadFormatVersion string            `yaml:"payloadFormatVersion"`
	Credentials          string            `yaml:"credentials"`
	URI                  string            `yaml:"uri"`
	HTTPMethod           string            `yaml:"httpMethod"`
	TimeoutInMillis      number            `yaml:"timeoutInMillis"`
	ConnectionType       string            `yaml:"connectionType"`
	RequestParameters    map[string]string `yaml:"requestParameters"`
	Responses            map[string]struct {
		StatusCode         number            `yaml:"statusCode"`
		ResponseParameters map[string]string `yaml:"responseParameters"`
		ResponseTemplates  map[string]string `yaml:"responseTemplates"`
	} `yaml:"responses"`
}

type corsExt struct {
	AllowOrigins     []string `yaml:"allowOrigins"`
	AllowMethods     []string `yaml:"allowMethods"`
	AllowHeaders     []string `yaml:"allowHeaders"`
	ExposeHeaders    []string `yaml:"exposeHeaders"`
	MaxAge           int      `yaml:"maxAge"`
	AllowCredentials bool     `yaml:"allowCredentials"`
}

type responseExt struct {
	StatusCode         number            `yaml:"statusCode"`
	ResponseParameters map[string]string `yaml:"responseParameters"`
	ResponseTemplates  map[string]string `yaml:"responseTemplates"`
}

// number is an integer API Gateway exports as a number or a string ("404").
type number int

func (n *number) UnmarshalYAML(node *yaml.Node) error {
	v, err := strconv.Atoi(strings.TrimSpace(node.Value))
	if err != nil {
		return fmt.Errorf("line %d: %q is not a number", node.Line, node.Value)
	}
	*n = number(v)
	return nil
}

var operationMethods = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "patch": "PATCH",
	"head": "HEAD", "options": "OPTIONS", "x-amazon-apigateway-any-method": "ANY",
}

func fromOpenAPI(data []byte) (gateway.API, []string, error) {
	var doc document
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return gateway.API{}, nil, err
	}
	api := gateway.API{Name: doc.Info.Title, Type: "HTTP"}
	var rep report
	var kind apiKind
	rep.extensions("document", doc.Extra)
	if doc.GatewayResponses != nil {
		api.Type = "REST" // HTTP APIs have no gateway responses
	}
	schemes := doc.Components.SecuritySchemes
	if schemes == nil {
		schemes = doc.SecurityDefinitions
	}
	apiKeySchemes := map[string]bool{}
	for _, name := range sortedKeys(schemes) {
		if isAPIKeyScheme(schemes[name]) {
			apiKeySchemes[name] = true
			continue
		}
		a, err := authorizerFrom(name, schemes[name], &kind, &rep)
		if err != nil {
			rep.fail("%v", err)
			continue
		}
		api.Authorizers = append(api.Authorizers, a)
	}
	for _, path := range sortedKeys(doc.Paths) {
		item := doc.Paths[path]
		for _, key := range sortedKeys(item) {
			node := item[key]
			method, isMethod := operationMethods[key]
			switch {
			case isMethod:
			case key == "parameters" || key == "summary" || key == "description" || key == "servers":
				continue
			default:
				rep.extension("path "+path, key)
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				rep.fail("%s %s: %v", method, path, err)
				continue
			}
			route, err := routeFrom(method, path, op, apiKeySchemes, &kind, &rep)
			if err != nil {
				rep.fail("route %q: %v", method+" "+path, err)
				continue
			}
			api.Routes = append(api.Routes, route)
		}
	}
	if len(doc.BinaryMediaTypes) > 0 {
		if kind.http {
			rep.warnings = append(rep.warnings, "document: x-amazon-apigateway-binary-media-types has no effect on an HTTP API (payloadFormatVersion); ignored")
		} else {
			kind.rest = true
			for _, t := range doc.BinaryMediaTypes {
				api.BinaryMediaTypes = append(api.BinaryMediaTypes, strings.ReplaceAll(t, "~1", "/")) // JSON-pointer escaped, as patch operations write it
			}
		}
	}
	if kind.rest && !kind.http {
		api.Type = "REST"
	}
	if doc.APIKeySource != "" {
		api.APIKeySource = strings.ToUpper(doc.APIKeySource)
	}
	if doc.Policy != "" {
		api.ResourcePolicy = doc.Policy
		api.Type = "REST" // only REST APIs have resource policies
	}
	if api.APIKeySource != "" || slices.ContainsFunc(api.Routes, func(r gateway.Route) bool { return r.APIKeyRequired }) {
		api.Type = "REST" // only REST APIs have API keys
	}
	if c := doc.CORS; c != nil {
		api.CORS = &gateway.CORS{AllowOrigins: c.AllowOrigins, AllowMethods: c.AllowMethods, AllowHeaders: c.AllowHeaders,
			ExposeHeaders: c.ExposeHeaders, MaxAge: c.MaxAge, AllowCredentials: c.AllowCredentials}
	}
	for t, r := range doc.GatewayResponses {
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[gateway.ResponseType]gateway.GatewayResponse{}
		}
		api.GatewayResponses[t] = gateway.GatewayResponse{
			StatusCode: int(r.StatusCode),
			Headers:    headersFrom(r.ResponseParameters, "gatewayresponse.header."),
			Body:       r.ResponseTemplates["application/json"],
		}
	}
	return api, rep.warnings, rep.err()
}

// apiKind gathers what a document's parts say of its API: HTTP API
// exports name a payloadFormatVersion on every integration and Lambda
// authorizer; REST exports name none, and only REST has TOKEN authorizers
// and binary media types.
type apiKind struct{ rest, http bool }

func authorizerFrom(name string, s securityScheme, kind *apiKind, rep *report) (gateway.AuthorizerConfig, error) {
	a := s.Authorizer
	if a == nil && strings.EqualFold(s.AuthType, "awsSigv4") {
		return gateway.AuthorizerConfig{Name: name, Type: "AWS_IAM"}, nil
	}
	if a == nil {
		return gateway.AuthorizerConfig{}, fmt.Errorf("security scheme %q has no x-amazon-apigateway-authorizer and is neither an API key scheme (apiKey in header x-api-key) nor AWS_IAM (x-amazon-apigateway-authtype: awsSigv4)", name)
	}
	cfg := gateway.AuthorizerConfig{Name: name, IdentitySource: identitySource(string(a.IdentitySource))}
	switch strings.ToLower(a.Type) {
	case "token", "request":
		return lambdaAuthorizerFrom(name, s, kind, rep)
	case "jwt":
		cfg.Type = gateway.JWTAuthorizer
		cfg.Issuers = []gateway.IssuerConfig{{Issuer: a.JWTConfiguration.Issuer, Audience: a.JWTConfiguration.Audience}}
	case "cognito_user_pools":
		cfg.Type = gateway.UserPoolsAuthorizer
		for _, arn := range a.ProviderARNs {
			cfg.UserPools = append(cfg.UserPools, poolID(arn))
		}
	default:
		return cfg, fmt.Errorf("security scheme %q: authorizer type %q is not jwt, cognito_user_pools, token or request", name, a.Type)
	}
	return cfg, nil
}

// lambdaAuthorizerFrom reads a token or request authorizer: its function
// from authorizerUri, its identity sources as written.
func lambdaAuthorizerFrom(name string, s securityScheme, kind *apiKind, rep *report) (gateway.AuthorizerConfig, error) {
	a := s.Authorizer
	fn, err := functionFromURI(a.AuthorizerURI)
	if err != nil {
		return gateway.AuthorizerConfig{}, fmt.Errorf("security scheme %q: authorizerUri: %w", name, err)
	}
	cfg := gateway.AuthorizerConfig{Name: name, Type: gateway.RequestAuthorizer, Function: fn,
		IdentitySource: string(a.IdentitySource), IdentityValidationExpression: a.IdentityValidationExpression,
		PayloadFormatVersion: a.PayloadFormatVersion, EnableSimpleResponses: a.EnableSimpleResponses}
	if strings.EqualFold(a.Type, "token") {
		cfg.Type = gateway.TokenAuthorizer
		if cfg.IdentitySource == "" && s.Name != "" {
			cfg.IdentitySource = "method.request.header." + s.Name // the scheme's header
		}
	}
	if a.ResultTTLSeconds != nil {
		ttl := int(*a.ResultTTLSeconds)
		cfg.ResultTTLSeconds = &ttl
	}
	if a.AuthorizerCredentials != "" {
		rep.warnings = append(rep.warnings, fmt.Sprintf("security scheme %q: authorizerCredentials has no effect in moat, which invokes authorizers as apigateway.amazonaws.com; ignored", name))
	}
	if a.PayloadFormatVersion != "" {
		kind.http = true
	} else {
		kind.rest = true
	}
	return cfg, nil
}

// functionFromURI is the function of an API Gateway Lambda URI,
// arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations:
// its name (and qualifier), so a document exported from another account
// names the function moat runs; any other function reference as it is.
func functionFromURI(uri string) (string, error) {
	const prefix, suffix = "/2015-03-31/functions/", "/invocations"
	_, rest, ok := strings.Cut(uri, ":lambda:path")
	if !ok || !strings.HasPrefix(rest, prefix) || !strings.HasSuffix(rest, suffix) || !strings.HasPrefix(uri, "arn:") {
		if strings.Contains(uri, "/response-streaming-invocations") {
			return "", fmt.Errorf("%q: response streaming is not supported", uri)
		}
		return "", fmt.Errorf("%q is not arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations", uri)
	}
	fn := strings.TrimSuffix(strings.TrimPrefix(rest, prefix), suffix)
	if fn == "" {
		return "", fmt.Errorf("%q names no function", uri)
	}
	if _, name, ok := strings.Cut(fn, ":function:"); ok && strings.HasPrefix(fn, "arn:") && name != "" {
		return name, nil
	}
	return fn, nil
}

// identitySource turns REST's method.request.header.X into $request.header.X.
func identitySource(s string) string {
	if rest, ok := strings.CutPrefix(s, "method.request."); ok {
		return "$request." + rest
	}
	return s
}

// poolID is the pool id at the end of arn:aws:cognito-idp:<region>:<acct>:userpool/<id>.
func poolID(arn string) string {
	if i := strings.LastIndex(arn, "userpool/"); i >= 0 {
		return arn[i+len("userpool/"):]
	}
	return arn
}

// isAPIKeyScheme is API Gateway's API key scheme: the x-api-key header.
func isAPIKeyScheme(s securityScheme) bool {
	return s.Authorizer == nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && strings.EqualFold(s.Name, "x-api-key")
}

func routeFrom(method, path string, op operation, apiKeySchemes map[string]bool, kind *apiKind, rep *report) (gateway.Route, error) {
	r := gateway.Route{Method: method, Path: path}
	rep.extensions(method+" "+path, op.Extra)
	for _, req := range op.Security {
		for name, scopes := range req {
			if apiKeySchemes[name] {
				r.APIKeyRequired = true
				continue
			}
			if r.Authorizer != "" {
				return r, fmt.Errorf("more than one security requirement")
			}
			r.Authorizer = name
			if len(scopes) > 0 { // [] (no scopes) loads as YAML's absent list
				r.Scopes = scopes
			}
		}
	}
	in := op.Integration
	if in == nil {
		return r, fmt.Errorf("no x-amazon-apigateway-integration")
	}
	if in.ConnectionType != "" && !strings.EqualFold(in.ConnectionType, "INTERNET") {
		return r, fmt.Errorf("connectionType %s: private integrations are not supported", in.ConnectionType)
	}
	c := gateway.IntegrationConfig{Type: strings.ToLower(in.Type), URI: in.URI, HTTPMethod: in.HTTPMethod, TimeoutMillis: int(in.TimeoutInMillis)}
	kind.http = kind.http || in.PayloadFormatVersion != ""
	switch c.Type {
	case gateway.HTTPProxyIntegration:
		params, err := requestParameters(in.RequestParameters)
		if err != nil {
			return r, err
		}
		c.RequestParameters = params
	case gateway.MockIntegration:
		if d, ok := in.Responses["default"]; ok {
			c.StatusCode = int(d.StatusCode)
			c.Headers = headersFrom(d.ResponseParameters, "method.response.header.")
			c.Body = d.ResponseTemplates["application/json"]
		}
	case "aws_proxy":
		fn, err := functionFromURI(in.URI)
		if err != nil {
			return r, fmt.Errorf("x-amazon-apigateway-integration uri: %w", err)
		}
		c = gateway.IntegrationConfig{Type: gateway.LambdaProxyIntegration, Function: fn,
			PayloadFormatVersion: in.PayloadFormatVersion, TimeoutMillis: int(in.TimeoutInMillis)}
		kind.rest = kind.rest || in.PayloadFormatVersion == ""
		if in.Credentials != "" {
			rep.warnings = append(rep.warnings, fmt.Sprintf("%s %s: credentials has no effect in moat, which invokes functions as apigateway.amazonaws.com; ignored", method, path))
		}
	case gateway.CognitoIdpIntegration:
		return r, fmt.Errorf("x-amazon-apigateway-integration type %s is moat's own, not API Gateway's: declare the route in moat's YAML (apis:)", in.Type)
	default:
		return r, fmt.Errorf("x-amazon-apigateway-integration type %q is not supported", in.Type)
	}
	r.Integration = c
	return r, nil
}

// requestParameters accepts HTTP API mappings as they are and translates
// REST's integration.request.X: method.request.Y into them.
func requestParameters(in map[string]string) (map[string]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for k, v := range in {
		target, isREST := strings.CutPrefix(k, "integration.request.")
		if !isREST {
			out[k] = v
			continue
		}
		value := v
		switch {
		case strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'") && len(v) >= 2:
			value = v[1 : len(v)-1]
		case strings.HasPrefix(v, "method.request."):
			value = "$request." + strings.TrimPrefix(v, "method.request.")
		default:
			value = "$" + v // context.requestId, stageVariables.x
		}
		if name, ok := strings.CutPrefix(target, "path."); ok {
			if value != "$request.path."+name {
				return nil, fmt.Errorf("requestParameters %q: a path parameter can only keep its route name", k)
			}
			continue // the URI's {name} is filled from the route's parameter already
		}
		out["overwrite:"+target] = value
	}
	return out, nil
}

// headersFrom reads prefix+Name: "'value'" pairs (static values only).
func headersFrom(params map[string]string, prefix string) map[string]string {
	var out map[string]string
	for k, v := range params {
		name, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = strings.Trim(v, "'")
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

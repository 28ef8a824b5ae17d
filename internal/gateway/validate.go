package gateway

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var routeMethods = []string{"ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Validate checks the APIs' shape and references and reports every problem
// at once, each naming the API, route and field. Integration specifics (URIs,
// timeouts, secrets) are checked when integrations are built.
func Validate(apis []API) error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	names := map[string]bool{}
	mounts := map[string]string{}
	for i := range apis {
		api := &apis[i]
		where := fmt.Sprintf("api %q", api.Name)
		if api.Name == "" {
			where = fmt.Sprintf("api #%d", i+1)
			bad("%s: name is empty", where)
		} else if names[api.Name] {
			bad("%s: name is used by another API", where)
		}
		names[api.Name] = true
		if !slices.Contains([]string{"", "HTTP", "REST"}, api.Type) {
			bad("%s: type %q is not HTTP or REST", where, api.Type)
		}
		if err := checkBasePath(api.BasePath); err != nil {
			bad("%s: basePath: %v", where, err)
		}
		hosts := slices.Clone(api.Hosts)
		if len(hosts) == 0 {
			hosts = []string{""}
		}
		for _, h := range hosts {
			mount := strings.ToLower(h) + strings.TrimSuffix(api.BasePath, "/")
			if other, ok := mounts[mount]; ok {
				bad("%s: host %q and basePath %q are already served by api %q", where, h, api.BasePath, other)
			}
			mounts[mount] = api.Name
		}
		if !slices.Contains([]string{"", "HEADER", "AUTHORIZER"}, api.APIKeySource) {
			bad("%s: apiKeySource %q is not HEADER or AUTHORIZER", where, api.APIKeySource)
		}
		if api.MaxBodyBytes < 0 {
			bad("%s: maxBodyBytes %d must be positive (0: API Gateway's %d)", where, api.MaxBodyBytes, DefaultMaxBodyBytes)
		}
		validateResourcePolicy(where, api, bad)
		validateStages(where, api, bad)
		authorizers := validateAuthorizers(where, api, bad)
		validateRoutes(where, api, authorizers, bad)
		for t := range api.GatewayResponses {
			if _, known := defaultStatus[t]; !known && t != Default4XX && t != Default5XX {
				bad("%s: gatewayResponses: unknown response type %q", where, t)
			}
		}
	}
	if len(problems) > 0 {
		return errors.New("invalid APIs:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

func checkBasePath(p string) error {
	if p == "" || p == "/" {
		return nil
	}
	if strings.HasSuffix(p, "/") {
		return fmt.Errorf("%q must not end with /", p)
	}
	t, err := parsePathTemplate(p)
	if err != nil {
		return err
	}
	if len(t.params) > 0 {
		return fmt.Errorf("%q must not have parameters", p)
	}
	return nil
}

// validateResourcePolicy compiles the policy for its errors; the id and
// region it is bound to do not change whether it is valid.
func validateResourcePolicy(where string, api *API, bad func(string, ...any)) {
	if api.ResourcePolicy == "" {
		return
	}
	if api.Type != "REST" {
		bad("%s: resourcePolicy: resource policies are a REST API feature (set the API's type to REST)", where)
	}
	if _, err := compileResourcePolicy(api.ResourcePolicy, executeAPIARN("*", "*", "*")); err != nil {
		bad("%s: resourcePolicy: %v", where, err)
	}
}

func validateStages(where string, api *API, bad func(string, ...any)) {
	seen := map[string]bool{}
	for _, s := range api.Stages {
		switch {
		case s.Name == "":
			bad("%s: a stage has no name", where)
		case seen[s.Name]:
			bad("%s: stage %q appears twice", where, s.Name)
		case s.Name != "$default" && strings.ContainsAny(s.Name, "/{}$"):
			bad("%s: stage %q: a stage name is one path segment", where, s.Name)
		}
		seen[s.Name] = true
		if err := checkThrottle(s.Throttle); err != nil {
			bad("%s: stage %q: throttle: %v", where, s.Name, err)
		}
	}
}

func validateAuthorizers(where string, api *API, bad func(string, ...any)) map[string]bool {
	names := map[string]bool{}
	for _, a := range api.Authorizers {
		switch {
		case a.Name == "":
			bad("%s: an authorizer has no name", where)
		case names[a.Name]:
			bad("%s: authorizer %q appears twice", where, a.Name)
		case !slices.Contains(AuthorizerTypes(), a.Type):
			bad("%s: authorizer %q: type %q is not one of %s", where, a.Name, a.Type, strings.Join(AuthorizerTypes(), ", "))
		}
		names[a.Name] = true
	}
	return names
}

func validateRoutes(where string, api *API, authorizers map[string]bool, bad func(string, ...any)) {
	seen := map[string]string{}
	for _, r := range api.Routes {
		key := routeKey(r.Method, r.Path)
		rwhere := fmt.Sprintf("%s: route %q", where, key)
		method := r.Method
		if r.Path == DefaultPath && method == "" {
			method = "ANY"
		}
		if !slices.Contains(routeMethods, method) {
			bad("%s: method %q is not one of %s", rwhere, r.Method, strings.Join(routeMethods, ", "))
		}
		shape := r.Path
		if r.Path != DefaultPath {
			t, err := parsePathTemplate(r.Path)
			if err != nil {
				bad("%s: %v", rwhere, err)
				continue
			}
			shape = t.shape()
		}
		if other, dup := seen[method+" "+shape]; dup {
			bad("%s: same method and path as route %q", rwhere, other)
		}
		seen[method+" "+shape] = key
		if r.Authorizer != "" && !authorizers[r.Authorizer] {
			bad("%s: authorizer %q is not one of the API's authorizers", rwhere, r.Authorizer)
		}
		if r.Authorizer == "" && len(r.Scopes) > 0 {
			bad("%s: scopes need an authorizer", rwhere)
		}
		if r.Authorizer == "" && len(r.Groups) > 0 {
			bad("%s: groups need an authorizer", rwhere)
		}
		if r.APIKeyRequired && api.Type != "REST" {
			bad("%s: apiKeyRequired: API keys are a REST API feature (set the API's type to REST)", rwhere)
		}
		if err := checkThrottle(r.Throttle); err != nil {
			bad("%s: throttle: %v", rwhere, err)
		}
		if r.Integration.Type == "" {
			bad("%s: integration.type is empty", rwhere)
		}
		if !r.Integration.CognitoProxy.IsZero() && r.Integration.IntegrationType() != CognitoIdpIntegration {
			bad("%s: integration: upstream, clients, operations, userLimit and sealTokens are for cognito_idp integrations", rwhere)
		}
		if r.WebSocket && (r.Integration.IntegrationType() != HTTPProxyIntegration || (method != "GET" && method != "ANY")) {
			bad("%s: websocket: a WebSocket route is a GET (or ANY) route with an http_proxy integration", rwhere)
		}
	}
}

// shape is the template with parameter names erased: /a/{id} and /a/{name}
// are the same path to the router.
func (t pathTemplate) shape() string {
	var b strings.Builder
	for _, s := range t.segments {
		b.WriteByte('/')
		switch s.kind {
		case literalSegment:
			b.WriteString(s.text)
		case paramSegment:
			b.WriteString("{}")
		case greedySegment:
			b.WriteString("{+}")
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// Key is the route's name as API Gateway gives it ($context.routeKey):
// "GET /dragons/{id}", "$default".
func (r *Route) Key() string { return routeKey(r.Method, r.Path) }

// routeKey is API Gateway's name for a route: "GET /dragons/{id}", "$default".
func routeKey(method, path string) string {
	if path == DefaultPath {
		return DefaultPath
	}
	return method + " " + path
}

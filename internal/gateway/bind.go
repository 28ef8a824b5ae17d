package gateway

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// boundAPI is an API compiled for serving.
type boundAPI struct {
	api       *API
	basePath  string   // "" or /v1
	hosts     []string // lower case, without port; empty matches any host
	rest      bool     // REST type: unmatched → 403 Missing Authentication Token
	stages    map[string]*Stage
	root      *Stage // the $default stage, if any
	router    router
	cors      *corsPolicy
	policy    *resourcePolicy // nil: the API has none
	maxBody   int64
	unmatched routeMetrics
	// claimHeaderNames are every header an authorizer of the API fills from
	// claims; client-sent copies are removed on every route.
	claimHeaderNames []string
}

// boundRoute is a route with its authorizer and integration built.
type boundRoute struct {
	route        *Route
	key          string // GET /dragons/{id}
	params       []string
	authorizer   Authorizer // nil: open
	claimHeaders []claimHeader
	integration  Integration
	usage        *routeUsage // nil: no API key or throttle applies
	metrics      routeMetrics
	// protected is every header name moat sets on this route's backend
	// requests, folded (foldHeader): client headers folding to one are dropped.
	protected map[string]bool
}

// claimHeader copies a verified claim to a backend request header.
type claimHeader struct{ claim, header string }

func bindAPI(api *API, cfg Config, m *metrics) (*boundAPI, error) {
	applyDefaults(api)
	b := &boundAPI{
		api:       api,
		basePath:  strings.TrimSuffix(api.BasePath, "/"),
		rest:      api.Type == "REST",
		stages:    map[string]*Stage{},
		cors:      newCORSPolicy(api.CORS),
		maxBody:   cmp.Or(api.MaxBodyBytes, DefaultMaxBodyBytes),
		unmatched: m.route(api.Name, "none"),
	}
	if api.ResourcePolicy != "" {
		p, err := compileResourcePolicy(api.ResourcePolicy, executeAPIARN(cfg.Region, cfg.Account, api.ID))
		if err != nil {
			return nil, fmt.Errorf("resourcePolicy: %w", err)
		}
		b.policy = p
	}
	for _, h := range api.Hosts {
		b.hosts = append(b.hosts, strings.ToLower(h))
	}
	for i := range api.Stages {
		s := &api.Stages[i]
		if s.Name == "$default" {
			b.root = s
		} else {
			b.stages[s.Name] = s
		}
	}
	authorizers := map[string]*boundAuthorizer{}
	for _, ac := range api.Authorizers {
		if cfg.NewAuthorizer == nil {
			return nil, fmt.Errorf("authorizer %q: this gateway has no authorizer builder", ac.Name)
		}
		a, err := cfg.NewAuthorizer(api, ac)
		if err != nil {
			return nil, fmt.Errorf("authorizer %q: %w", ac.Name, err)
		}
		ba := &boundAuthorizer{a, claimHeaders(ac.ClaimHeaders)}
		authorizers[ac.Name] = ba
		for _, ch := range ba.claimHeaders {
			b.claimHeaderNames = append(b.claimHeaderNames, ch.header)
		}
	}
	for i := range api.Routes {
		r := &api.Routes[i]
		br, err := bindRoute(api, r, cfg, authorizers, m, b.claimHeaderNames)
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", routeKey(r.Method, r.Path), err)
		}
		method := r.Method
		if method == "" {
			method = "ANY"
		}
		var t pathTemplate
		if r.Path != DefaultPath {
			t, _ = parsePathTemplate(r.Path) // validated
		}
		if err := b.router.add(method, t, r.Path == DefaultPath, br); err != nil {
			return nil, err
		}
	}
	return b, nil
}

type boundAuthorizer struct {
	authorizer   Authorizer
	claimHeaders []claimHeader
}

func bindRoute(api *API, r *Route, cfg Config, authorizers map[string]*boundAuthorizer, m *metrics, claimHeaderNames []string) (*boundRoute, error) {
	key := routeKey(r.Method, r.Path)
	br := &boundRoute{route: r, key: key, metrics: m.route(api.Name, key)}
	if r.Path != DefaultPath {
		t, _ := parsePathTemplate(r.Path) // validated
		br.params = t.params
	}
	if a := authorizers[r.Authorizer]; a != nil {
		br.authorizer, br.claimHeaders = a.authorizer, a.claimHeaders
	}
	br.usage = newRouteUsage(api, r, cfg.Usage)
	in, err := cfg.NewIntegration(api, r)
	if err != nil {
		return nil, fmt.Errorf("integration: %w", err)
	}
	br.integration = in
	var sets []string
	if hs, ok := in.(HeaderSetter); ok {
		sets = hs.SetsHeaders()
	}
	br.protected = protectedNames(claimHeaderNames, sets, forwardingHeaders)
	return br, nil
}

func claimHeaders(m map[string]string) []claimHeader {
	var out []claimHeader
	for claim, header := range m {
		out = append(out, claimHeader{claim, http.CanonicalHeaderKey(header)})
	}
	return out
}

// applyDefaults fills what the configuration may leave out.
func applyDefaults(api *API) {
	if api.Type == "" {
		api.Type = "HTTP"
	}
	if api.ID == "" {
		sum := sha256.Sum256([]byte(api.Name))
		api.ID = hex.EncodeToString(sum[:5]) // ten characters, like API Gateway's ids
	}
	if len(api.Stages) == 0 {
		api.Stages = []Stage{{Name: "$default"}}
	}
}

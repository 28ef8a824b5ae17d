package authorizer

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

// lambdaSource is one identity source of a Lambda authorizer: a header, a
// query parameter, a stage variable or a $context variable.
type lambdaSource struct {
	text  string // as configured, for errors
	value func(req *gateway.Request, query url.Values) string
}

// contextVariables are the $context variables an identity source may name.
var contextVariables = map[string]func(req *gateway.Request) string{
	"requestId":          func(r *gateway.Request) string { return r.RequestID },
	"apiId":              func(r *gateway.Request) string { return r.API.ID },
	"stage":              func(r *gateway.Request) string { return r.Stage.Name },
	"httpMethod":         func(r *gateway.Request) string { return r.HTTP.Method },
	"path":               func(r *gateway.Request) string { return r.HTTP.URL.Path },
	"resourcePath":       func(r *gateway.Request) string { return r.Route.Path },
	"routeKey":           func(r *gateway.Request) string { return r.Route.Key() },
	"protocol":           func(r *gateway.Request) string { return r.HTTP.Proto },
	"domainName":         func(r *gateway.Request) string { return r.HTTP.Host },
	"identity.sourceIp":  func(r *gateway.Request) string { return r.SourceIP() },
	"identity.userAgent": func(r *gateway.Request) string { return r.HTTP.UserAgent() },
	"http.method":        func(r *gateway.Request) string { return r.HTTP.Method },
	"http.path":          func(r *gateway.Request) string { return r.HTTP.URL.Path },
	"http.sourceIp":      func(r *gateway.Request) string { return r.SourceIP() },
	"http.userAgent":     func(r *gateway.Request) string { return r.HTTP.UserAgent() },
}

// parseLambdaSources reads a comma-separated list of identity sources in
// the HTTP API ($request.header.X) or REST (method.request.header.X)
// spelling.
func parseLambdaSources(list string) ([]lambdaSource, error) {
	var out []lambdaSource
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		src, err := parseLambdaSource(s)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

func parseLambdaSource(s string) (lambdaSource, error) {
	spelled := strings.TrimPrefix(strings.Replace(s, "method.request.", "$request.", 1), "$")
	switch {
	case strings.HasPrefix(spelled, "request.header."):
		name := strings.TrimPrefix(spelled, "request.header.")
		if !validHeaderName(name) {
			return lambdaSource{}, fmt.Errorf("identitySource %q: %q is not a valid header name", s, name)
		}
		name = http.CanonicalHeaderKey(name)
		return lambdaSource{text: s, value: func(r *gateway.Request, _ url.Values) string {
			return strings.Join(r.HTTP.Header.Values(name), ",")
		}}, nil
	case strings.HasPrefix(spelled, "request.querystring."):
		name := strings.TrimPrefix(spelled, "request.querystring.")
		if name == "" {
			return lambdaSource{}, fmt.Errorf("identitySource %q names no parameter", s)
		}
		return lambdaSource{text: s, value: func(_ *gateway.Request, q url.Values) string {
			return strings.Join(q[name], ",")
		}}, nil
	case strings.HasPrefix(spelled, "stageVariables."):
		name := strings.TrimPrefix(spelled, "stageVariables.")
		if name == "" {
			return lambdaSource{}, fmt.Errorf("identitySource %q names no stage variable", s)
		}
		return lambdaSource{text: s, value: func(r *gateway.Request, _ url.Values) string {
			return r.Stage.Variables[name]
		}}, nil
	case strings.HasPrefix(spelled, "context."):
		name := strings.TrimPrefix(spelled, "context.")
		get, ok := contextVariables[name]
		if !ok {
			return lambdaSource{}, fmt.Errorf("identitySource %q: $context.%s is not a variable moat provides", s, name)
		}
		return lambdaSource{text: s, value: func(r *gateway.Request, _ url.Values) string { return get(r) }}, nil
	}
	return lambdaSource{}, fmt.Errorf("identitySource %q: want $request.header.<name>, $request.querystring.<name>, $stageVariables.<name> or $context.<variable>", s)
}

// sourceValues are the request's values of the sources, in order, and
// whether every one is present and not empty.
func sourceValues(sources []lambdaSource, req *gateway.Request) ([]string, bool) {
	var query url.Values
	values := make([]string, len(sources))
	complete := true
	for i, src := range sources {
		if query == nil {
			query = req.HTTP.URL.Query()
		}
		values[i] = src.value(req, query)
		complete = complete && values[i] != ""
	}
	return values, complete
}

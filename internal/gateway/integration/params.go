package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

// mapping is one of API Gateway's HTTP API parameter mappings:
// "overwrite:header.X" → "$request.header.Y" and the like.
type mapping struct {
	action string // overwrite, append, remove
	target string // header, querystring, path
	name   string // the header (canonical) or query parameter; empty for path
	source source
}

// source is where a mapped value comes from.
type source struct {
	from string // "" (literal), header, querystring, path, stageVariables, requestId, claim
	name string // or the literal
}

func parseMappings(m map[string]string) ([]mapping, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable order, so overwrite and append compose the same way each time
	var out []mapping
	for _, key := range keys {
		mp, err := parseMapping(key, m[key])
		if err != nil {
			return nil, fmt.Errorf("requestParameters[%q]: %w", key, err)
		}
		out = append(out, mp)
	}
	return out, nil
}

func parseMapping(key, value string) (mapping, error) {
	action, target, ok := strings.Cut(key, ":")
	if !ok || (action != "overwrite" && action != "append" && action != "remove") {
		return mapping{}, fmt.Errorf("key must be overwrite:, append: or remove: followed by header.NAME, querystring.NAME or path")
	}
	where, name, _ := strings.Cut(target, ".")
	mp := mapping{action: action, target: where, name: name}
	switch {
	case where == "header" && name != "":
		mp.name = http.CanonicalHeaderKey(name)
	case where == "querystring" && name != "":
	case where == "path" && name == "" && action == "overwrite":
	default:
		return mapping{}, fmt.Errorf("target %q is not header.NAME, querystring.NAME or (overwrite only) path", target)
	}
	if action == "remove" {
		return mp, nil
	}
	src, err := parseSource(value)
	mp.source = src
	return mp, err
}

func parseSource(v string) (source, error) {
	if !strings.HasPrefix(v, "$") {
		return source{name: v}, nil
	}
	switch {
	case v == "$context.requestId":
		return source{from: "requestId"}, nil
	case v == "$request.path":
		return source{from: "path"}, nil
	}
	// A verified claim, so a backend parameter can be forced to the caller
	// (the owner of the NFTs listed is the signed-in wallet, not a query
	// parameter the client chose).
	if name, ok := strings.CutPrefix(v, "$context.authorizer.claims."); ok && name != "" {
		return source{from: "claim", name: name}, nil
	}
	// A Lambda authorizer's principalId or one of its context keys.
	if name, ok := strings.CutPrefix(v, "$context.authorizer."); ok && name != "" {
		return source{from: "authorizer", name: name}, nil
	}
	for _, prefix := range []string{"$request.header.", "$request.querystring.", "$request.path.", "$stageVariables."} {
		if name, ok := strings.CutPrefix(v, prefix); ok && name != "" {
			from := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(prefix, "$request."), "$"), ".")
			if from == "header" {
				name = http.CanonicalHeaderKey(name)
			}
			return source{from: from, name: name}, nil
		}
	}
	return source{}, fmt.Errorf("value %q is not a literal, $request.header|querystring|path.NAME, $request.path, $stageVariables.NAME, $context.authorizer.claims.NAME, $context.authorizer.NAME or $context.requestId", v)
}

func (s source) value(req *gateway.Request) string {
	switch s.from {
	case "":
		return s.name
	case "requestId":
		return req.RequestID
	case "header":
		return req.HTTP.Header.Get(s.name)
	case "querystring":
		return req.HTTP.URL.Query().Get(s.name)
	case "path":
		if s.name == "" {
			return req.RoutePath
		}
		return req.PathParameters[s.name]
	case "stageVariables":
		return req.Stage.Variables[s.name]
	case "claim":
		if req.Identity == nil {
			return ""
		}
		if v, ok := req.Identity.Claims[s.name]; ok && v != nil {
			return gateway.ClaimValue(v)
		}
	case "authorizer":
		switch {
		case req.Identity == nil:
		case s.name == "principalId":
			return gateway.ClaimValue(req.Identity.Principal)
		default:
			if v, ok := req.Identity.Context[s.name]; ok && v != nil {
				return gateway.ClaimValue(v)
			}
		}
	}
	return ""
}

// applyHeader and applyQuery change the backend request; path is handled
// with the URI.
func (mp *mapping) applyHeader(h http.Header, req *gateway.Request) {
	switch mp.action {
	case "remove":
		delete(h, mp.name)
	case "overwrite":
		h.Set(mp.name, mp.source.value(req))
	case "append":
		h.Add(mp.name, mp.source.value(req))
	}
}

func (mp *mapping) applyQuery(q url.Values, req *gateway.Request) {
	switch mp.action {
	case "remove":
		q.Del(mp.name)
	case "overwrite":
		q.Set(mp.name, mp.source.value(req))
	case "append":
		q.Add(mp.name, mp.source.value(req))
	}
}

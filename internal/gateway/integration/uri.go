package integration

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

type partKind uint8

const (
	literalPart   partKind = iota
	pathParamPart          // {name} or {name+}: a route path parameter
	stageVarPart           // ${stageVariables.name}
	secretPart             // {name} filled by a path secret
)

type uriPart struct {
	kind    partKind
	text    string // literal text, or the name
	inQuery bool   // after '?': query-escape instead of path-escape
}

// uriTemplate is a backend URI split at its placeholders at load time.
type uriTemplate struct{ parts []uriPart }

// parseURI splits raw into parts; a {name} that is a path secret becomes a
// secret part, any other a path parameter. The result with placeholders
// filled in must be an absolute http(s) URL.
func parseURI(raw string, secrets []secret) (uriTemplate, error) {
	var t uriTemplate
	inQuery := false
	rest := raw
	for rest != "" {
		i := strings.IndexAny(rest, "${?")
		if i < 0 {
			t.literal(rest, inQuery)
			break
		}
		t.literal(rest[:i], inQuery)
		rest = rest[i:]
		switch {
		case rest[0] == '?':
			t.literal("?", inQuery)
			inQuery, rest = true, rest[1:]
		case strings.HasPrefix(rest, "${stageVariables."):
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return t, fmt.Errorf("uri %q: unclosed ${stageVariables.", raw)
			}
			t.parts = append(t.parts, uriPart{kind: stageVarPart, text: rest[len("${stageVariables."):end], inQuery: inQuery})
			rest = rest[end+1:]
		case rest[0] == '{':
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return t, fmt.Errorf("uri %q: unclosed {", raw)
			}
			name := strings.TrimSuffix(rest[1:end], "+")
			kind := pathParamPart
			for _, s := range secrets {
				if s.in == "path" && s.name == name {
					kind = secretPart
				}
			}
			t.parts = append(t.parts, uriPart{kind: kind, text: name, inQuery: inQuery})
			rest = rest[end+1:]
		default: // a lone '$'
			t.literal("$", inQuery)
			rest = rest[1:]
		}
	}
	probe := t.expand(func(uriPart) string { return "x" })
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return t, fmt.Errorf("uri %q is not an absolute http or https URL", raw)
	}
	return t, nil
}

func (t *uriTemplate) literal(s string, inQuery bool) {
	if s != "" {
		t.parts = append(t.parts, uriPart{kind: literalPart, text: s, inQuery: inQuery})
	}
}

// expand fills the placeholders with value's answers. Client-supplied values
// are escaped for where they stand; stage variables are the operator's and
// may hold a host or a whole path, so they go in as they are.
func (t *uriTemplate) expand(value func(uriPart) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.kind == literalPart:
			b.WriteString(p.text)
			continue
		case p.kind == stageVarPart:
			b.WriteString(value(p))
			continue
		}
		v := value(p)
		if p.inQuery {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(escapePath(v))
		}
	}
	return b.String()
}

// expandFor fills the template for one request.
func (t *uriTemplate) expandFor(req *gateway.Request, secrets []secret) string {
	return t.expand(func(p uriPart) string {
		switch p.kind {
		case pathParamPart:
			return req.PathParameters[p.text]
		case stageVarPart:
			return req.Stage.Variables[p.text]
		case secretPart:
			for _, s := range secrets {
				if s.in == "path" && s.name == p.text {
					return s.value
				}
			}
		}
		return ""
	})
}

// escapePath escapes each segment of v, keeping its slashes ({proxy+}).
func escapePath(v string) string {
	if !strings.Contains(v, "/") {
		return url.PathEscape(v)
	}
	segs := strings.Split(v, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

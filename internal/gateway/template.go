package gateway

import (
	"fmt"
	"strings"
)

// DefaultPath is the route path that catches what no other route matches.
const DefaultPath = "$default"

// maxPathParams bounds a template's parameters so matching can collect
// values in a fixed array instead of allocating.
const maxPathParams = 16

type segmentKind uint8

const (
	literalSegment segmentKind = iota
	paramSegment               // {name}: exactly one non-empty segment
	greedySegment              // {name+}: the rest of the path, last only
)

type segment struct {
	kind segmentKind
	text string // the literal, or the parameter's name
}

// pathTemplate is a parsed route path: /dragons/{id}, /files/{proxy+}, /.
type pathTemplate struct {
	segments []segment
	params   []string // parameter names in path order
}

// parsePathTemplate checks a route path as API Gateway does: absolute, no
// empty segments, a parameter fills a whole segment, a greedy one comes last.
func parsePathTemplate(path string) (pathTemplate, error) {
	var t pathTemplate
	if !strings.HasPrefix(path, "/") {
		return t, fmt.Errorf("path %q must start with / (or be $default)", path)
	}
	if path == "/" {
		return t, nil
	}
	parts := strings.Split(path[1:], "/")
	for i, part := range parts {
		seg, err := parseSegment(part, i == len(parts)-1)
		if err != nil {
			return pathTemplate{}, fmt.Errorf("path %q: %w", path, err)
		}
		if seg.kind != literalSegment {
			for _, p := range t.params {
				if p == seg.text {
					return pathTemplate{}, fmt.Errorf("path %q: parameter {%s} appears twice", path, p)
				}
			}
			t.params = append(t.params, seg.text)
		}
		t.segments = append(t.segments, seg)
	}
	if len(t.params) > maxPathParams {
		return pathTemplate{}, fmt.Errorf("path %q has more than %d parameters", path, maxPathParams)
	}
	return t, nil
}

func parseSegment(part string, last bool) (segment, error) {
	if part == "" {
		return segment{}, fmt.Errorf("empty segment")
	}
	if !strings.HasPrefix(part, "{") {
		if strings.ContainsAny(part, "{}") {
			return segment{}, fmt.Errorf("segment %q: a parameter must fill the whole segment", part)
		}
		return segment{kind: literalSegment, text: part}, nil
	}
	if !strings.HasSuffix(part, "}") {
		return segment{}, fmt.Errorf("segment %q: unclosed parameter", part)
	}
	name := part[1 : len(part)-1]
	kind := paramSegment
	if greedy, ok := strings.CutSuffix(name, "+"); ok {
		if !last {
			return segment{}, fmt.Errorf("greedy parameter %s must be the last segment", part)
		}
		name, kind = greedy, greedySegment
	}
	if !validParamName(name) {
		return segment{}, fmt.Errorf("segment %q: parameter names use letters, digits, _ . -", part)
	}
	return segment{kind: kind, text: name}, nil
}

func validParamName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		default:
			return false
		}
	}
	return true
}

package gateway

import (
	"fmt"
	"strings"
)

// router finds a route for a method and path with API Gateway's precedence:
// a literal segment beats {param}, which beats {proxy+}, which beats
// $default; at each candidate the exact method beats ANY. Matching walks a
// trie and collects parameter values in a fixed array, so it allocates
// nothing; the PathParameters map is built only for a route that has them.
type router struct {
	root     node
	fallback methods // the $default route
}

type node struct {
	literal map[string]*node
	param   *node
	greedy  methods // routes ending in {proxy+} below this node
	here    methods // routes ending at this node
}

// methods holds the routes of one path: by method, and the ANY route.
type methods struct {
	byMethod map[string]*boundRoute
	any      *boundRoute
}

func (m *methods) pick(method string) *boundRoute {
	if r, ok := m.byMethod[method]; ok {
		return r
	}
	return m.any
}

func (m *methods) add(method string, r *boundRoute) error {
	if method == "ANY" {
		if m.any != nil {
			return fmt.Errorf("route %q repeats %q", r.key, m.any.key)
		}
		m.any = r
		return nil
	}
	if old, ok := m.byMethod[method]; ok {
		return fmt.Errorf("route %q repeats %q", r.key, old.key)
	}
	if m.byMethod == nil {
		m.byMethod = map[string]*boundRoute{}
	}
	m.byMethod[method] = r
	return nil
}

func (rt *router) add(method string, t pathTemplate, isDefault bool, r *boundRoute) error {
	if isDefault {
		return rt.fallback.add(method, r)
	}
	n := &rt.root
	for _, seg := range t.segments {
		switch seg.kind {
		case literalSegment:
			child, ok := n.literal[seg.text]
			if !ok {
				child = &node{}
				if n.literal == nil {
					n.literal = map[string]*node{}
				}
				n.literal[seg.text] = child
			}
			n = child
		case paramSegment:
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
		case greedySegment:
			return n.greedy.add(method, r)
		}
	}
	return n.here.add(method, r)
}

// match returns the route for method and path (which starts with /) and the
// path parameters' values in template order.
func (rt *router) match(method, path string, values *[maxPathParams]string) *boundRoute {
	rest := strings.TrimPrefix(path, "/")
	if r := rt.root.match(method, rest, rest == "", values, 0); r != nil {
		return r
	}
	return rt.fallback.pick(method)
}

// match tries this node's children in precedence order; done means every
// segment of the path has been consumed.
func (n *node) match(method, rest string, done bool, values *[maxPathParams]string, depth int) *boundRoute {
	if done {
		return n.here.pick(method)
	}
	seg, tail, more := strings.Cut(rest, "/")
	if child, ok := n.literal[seg]; ok {
		if r := child.match(method, tail, !more, values, depth); r != nil {
			return r
		}
	}
	if n.param != nil && seg != "" && depth < maxPathParams {
		values[depth] = seg
		if r := n.param.match(method, tail, !more, values, depth+1); r != nil {
			return r
		}
	}
	if rest != "" && depth < maxPathParams {
		if r := n.greedy.pick(method); r != nil {
			values[depth] = rest
			return r
		}
	}
	return nil
}

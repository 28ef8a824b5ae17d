package gateway

import (
	"net"
	"net/http"
	"strings"
)

// selectAPI finds the API serving r: the first mount (host-bound before
// host-less, longer base paths first) whose host and base path match. It
// returns the path below the base path.
func (c *compiledAPIs) selectAPI(r *http.Request) (*boundAPI, string) {
	host := requestHost(r)
	path := r.URL.Path
	for _, b := range c.mounts {
		if len(b.hosts) > 0 && !containsFold(b.hosts, host) {
			continue
		}
		if rest, ok := cutBasePath(path, b.basePath); ok {
			return b, rest
		}
	}
	return nil, ""
}

func cutBasePath(path, base string) (string, bool) {
	if base == "" {
		return path, true
	}
	rest, ok := strings.CutPrefix(path, base)
	switch {
	case !ok:
		return "", false
	case rest == "":
		return "/", true
	case rest[0] == '/':
		return rest, true
	}
	return "", false
}

// selectStage splits a named stage off the path; the $default stage serves
// paths whose first segment names no stage.
func (b *boundAPI) selectStage(path string) (*Stage, string) {
	if len(b.stages) > 0 {
		first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		if s, ok := b.stages[first]; ok {
			below := path[1+len(first):]
			if below == "" {
				below = "/" // the stage root, /prod, routes as /
			}
			return s, below
		}
	}
	return b.root, path
}

func requestHost(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

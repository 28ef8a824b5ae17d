package integration_test

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// FuzzRoutedPathIsForwardedPath drives the path canonicalizer, the router
// and the proxy together with any request target: no input may route to one
// place and forward to another. Whenever a request reaches the backend, the
// path it was sent decodes to the canonical path the route matched; that
// path has no dot segment, empty segment, backslash or encoded slash a
// backend could resolve differently; and it is the path a plain reading of
// the route table sends to that route. Anything else is refused with 400.
func FuzzRoutedPathIsForwardedPath(f *testing.F) {
	for _, s := range []string{
		"/open/%2e%2e/admin/x", "/open/%2E%2E%2fadmin", "/open/..%2Fadmin", "/open//..//admin/x", "/items/7/tags",
		"/items/%6d%69%6e%65", "/items/a%3Bb/tags", "/a/./b/../c/", `/open/..\admin`, "/open/..;/admin", "/%2e%2e",
		"/caf%C3%A9/%25/%3F%23", "/items/mine/tags?x=1", "http://gw/open/%2e%2e/items/1", "*", "/open/",
	} {
		f.Add(s)
	}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RequestURI)
	}))
	f.Cleanup(backend.Close)
	route := func(path, uri, name string) gateway.Route {
		return gateway.Route{Method: "GET", Path: path, Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend.URL + uri,
			RequestParameters: map[string]string{"overwrite:querystring.route": name, "overwrite:querystring.canonical": "$request.path"}}}
	}
	g := newGateway(f,
		route("/", "/", "root"),
		route("/{proxy+}", "/{proxy}", "proxy"),
		route("/open/{proxy+}", "/open/{proxy}", "open"),
		route("/admin/{proxy+}", "/admin/{proxy}", "admin"),
		route("/items/{id}", "/items/{id}", "item"),
		route("/items/{id}/tags", "/items/{id}/tags", "tags"),
		route("/items/mine", "/items/mine", "mine"),
	)
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: gw\r\n\r\n")))
		if err != nil {
			return // the listener answers 400 before the gateway
		}
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		switch rec.Code {
		case 400:
			return
		case 200:
		default:
			t.Fatalf("GET %q: %d %s", target, rec.Code, rec.Body)
		}
		sent := rec.Body.String()
		rawPath, rawQuery, _ := strings.Cut(sent, "?")
		query, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatalf("GET %q: the backend was sent %q", target, sent)
		}
		forwarded, err := url.PathUnescape(rawPath)
		routed, canonical := query.Get("route"), query.Get("canonical")
		switch {
		case err != nil || forwarded != canonical:
			t.Fatalf("GET %q matched %s on %q but was forwarded as %q", target, routed, canonical, rawPath)
		case !resolved(canonical):
			t.Fatalf("GET %q: %q can be read as another path", target, canonical)
		case strings.Contains(strings.ToUpper(rawPath), "%2F") || strings.Contains(strings.ToUpper(rawPath), "%5C"):
			t.Fatalf("GET %q was forwarded as %q, with an encoded separator", target, rawPath)
		case routeFor(canonical) != routed:
			t.Fatalf("GET %q: %q routed to %s, but the route table says %s", target, canonical, routed, routeFor(canonical))
		}
	})
}

// resolved says a path is its own resolution, for a backend that resolves
// dot segments, merges slashes and reads backslashes as slashes.
func resolved(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.ContainsRune(p, '\\') {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if before, _, _ := strings.Cut(seg, ";"); before == "." || before == ".." {
			return false
		}
	}
	return true
}

var (
	itemPath = regexp.MustCompile(`^/items/[^/]+$`)
	tagsPath = regexp.MustCompile(`^/items/[^/]+/tags$`)
)

// routeFor is the fuzz target's route table read plainly: literal before
// {param} before {proxy+}.
func routeFor(p string) string {
	switch {
	case p == "/":
		return "root"
	case p == "/items/mine":
		return "mine"
	case itemPath.MatchString(p):
		return "item"
	case tagsPath.MatchString(p):
		return "tags"
	case strings.HasPrefix(p, "/open/") && len(p) > len("/open/"):
		return "open"
	case strings.HasPrefix(p, "/admin/") && len(p) > len("/admin/"):
		return "admin"
	}
	return "proxy"
}

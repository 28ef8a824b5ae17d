package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/iam"
)

// pathRecorder is a backend remembering the paths it was sent, as sent.
type pathRecorder struct {
	mu   sync.Mutex
	seen []string
}

func newPathRecorder(t *testing.T) (*pathRecorder, string) {
	p := &pathRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.RequestURI)
		p.mu.Unlock()
		w.Write([]byte("backend " + r.RequestURI))
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *pathRecorder) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.seen
	p.seen = nil
	return seen
}

// Issue 10, item 1: dot segments a client hides with percent-encoding, and
// encoded slashes and backslashes, never take a request past the
// authorization that its route — found on the one canonical path — asks
// for; what the backend is sent is that same path.
func TestEncodedDotsDoNotBypassAuthorization(t *testing.T) {
	backend, backendURL := newPathRecorder(t)
	secured := idAuthorizer(func(r *gateway.Request) (*gateway.Identity, error) {
		return nil, &gateway.Error{Type: gateway.Unauthorized, Message: "Unauthorized"}
	})
	proxy := func(method, path, uri string) gateway.Route {
		return gateway.Route{Method: method, Path: path, Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backendURL + uri}}
	}
	secureRoute := proxy("GET", "/secure/{proxy+}", "/secure/{proxy}")
	secureRoute.Authorizer = "deny"
	g, err := gateway.New(gateway.Config{
		NewIntegration: integration.NewBuilder().New,
		NewAuthorizer:  func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return secured, nil },
		Region:         "us-east-1",
		APIs: []gateway.API{
			{Name: "open", BasePath: "/o", Authorizers: []gateway.AuthorizerConfig{{Name: "deny", Type: "JWT"}},
				Routes: []gateway.Route{proxy("GET", "/open/{proxy+}", "/open/{proxy}"), secureRoute}},
			{Name: "rest", ID: "rest000000", Type: "REST", BasePath: "/r",
				ResourcePolicy: iam.Document(`{"Version":"2012-10-17","Statement":[
				  {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
				  {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/admin/*"}]}`),
				Routes: []gateway.Route{proxy("GET", "/{proxy+}", "/{proxy}")}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	const adminDenied = `{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:rest000000/$default/GET/admin/x with an explicit deny"}`
	for _, c := range []struct {
		target string
		status int
		body   string // "" : not checked
	}{
		{"/o/open/%2e%2e/secure/x", 401, `{"message":"Unauthorized"}`},
		{"/o/open/%2E%2E/secure/x", 401, ""},
		{"/o/open/%2e%2E/secure/x", 401, ""},
		{"/o/open/.%2e/secure/x", 401, ""},
		{"/o/open/a/%2e%2e/%2e%2e/secure/x", 401, ""},
		{"/o/open//%2e%2e/secure/x", 401, ""},
		{"/o/open/%2e/%2e%2e/secure/x", 401, ""},
		{"/o/open/../secure/x", 401, ""},
		{"/o/open/..%2Fsecure/x", 400, ""},
		{"/o/open/%2E%2E%2fsecure/x", 400, ""},
		{"/o/open/..%5Csecure/x", 400, ""},
		{`/o/open/..\secure/x`, 400, ""},
		{"/o/open/..;/secure/x", 400, ""},
		{"/o/%2e%2e/%2e%2e/o/secure/x", 400, ""}, // above the root
		{"/r/public/%2e%2e/admin/x", 403, adminDenied},
		{"/r/public/%2E%2E/admin/x", 403, adminDenied},
		{"/r/public//..//admin/x", 403, adminDenied},
		{"/r/public/%2e%2e%2fadmin/x", 400, ""},
	} {
		res, body := rawRequest(t, srv.URL, "GET", c.target, nil)
		if res.StatusCode != c.status || (c.body != "" && body != c.body) {
			t.Errorf("GET %s: %d %s, want %d %s", c.target, res.StatusCode, body, c.status, c.body)
		}
		if seen := backend.take(); len(seen) > 0 {
			t.Errorf("GET %s reached the backend as %q", c.target, seen)
		}
	}

	// What authorization allows, the backend is sent in its canonical form.
	for target, want := range map[string]string{
		"/o/open/a/%2e%2e/b":            "/open/b",
		"/o/secure/%2e%2e/open/c":       "/open/c",
		"/r/admin/%2e%2e/public/y":      "/public/y",
		"/r/public/%7euser//x%3a1":      "/public/~user/x:1",
		"/r/public/caf%c3%a9/./100%25/": "/public/caf%C3%A9/100%25/",
	} {
		res, body := rawRequest(t, srv.URL, "GET", target, nil)
		if seen := backend.take(); res.StatusCode != 200 || len(seen) != 1 || seen[0] != want {
			t.Errorf("GET %s: %d %s, backend saw %q; want 200 and %s", target, res.StatusCode, body, seen, want)
		}
	}
}

// The access log names the canonical path, the one every stage saw.
func TestAccessLogHasTheCanonicalPath(t *testing.T) {
	s := serveAPIs(t, gateway.API{Name: "api", Routes: []gateway.Route{mockRoute("GET", "/a/{x}", "ok")}})
	if res, _ := rawRequest(t, s.URL, "GET", "/b/%2e%2e/a/%7e", nil); res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(s.log.String(), `"path":"/a/~"`) {
		t.Errorf("access log: %s", s.log.String())
	}
}

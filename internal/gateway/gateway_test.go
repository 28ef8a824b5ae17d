package gateway_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

type served struct {
	URL string
	log *bytes.Buffer
}

func serveAPIs(t testing.TB, apis ...gateway.API) served {
	t.Helper()
	return serveAuthorized(t, nil, apis...)
}

// serveAuthorized is serveAPIs with a (when not nil) answering for every
// authorizer the APIs declare.
func serveAuthorized(t testing.TB, a gateway.Authorizer, apis ...gateway.API) served {
	t.Helper()
	var log bytes.Buffer
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	cfg := gateway.Config{APIs: apis, NewIntegration: b.New, Region: "us-east-1",
		Logger: slog.New(slog.NewJSONHandler(&log, nil))}
	if a != nil {
		cfg.NewAuthorizer = func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return a, nil }
	}
	g, err := gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return served{srv.URL, &log}
}

func do(t testing.TB, method, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func mockRoute(method, path, body string) gateway.Route {
	return gateway.Route{Method: method, Path: path, Integration: gateway.IntegrationConfig{Type: "mock", Body: body}}
}

func TestNoMatchPerAPIType(t *testing.T) {
	s := serveAPIs(t,
		gateway.API{Name: "rest", Type: "REST", BasePath: "/r", Routes: []gateway.Route{mockRoute("GET", "/a", "ra")}},
		gateway.API{Name: "http", BasePath: "/h", Stages: []gateway.Stage{{Name: "prod"}}, Routes: []gateway.Route{mockRoute("GET", "/a", "ha")}},
	)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/r/a", 200, "ra"},
		{"/r/b", 403, `{"message":"Missing Authentication Token"}`},
		{"/h/prod/a", 200, "ha"},
		{"/h/a", 404, `{"message":"Not Found"}`}, // no $default stage
		{"/h/prod/b", 404, `{"message":"Not Found"}`},
		{"/elsewhere", 404, `{"message":"Not Found"}`},
	} {
		res, body := do(t, "GET", s.URL+tc.path, nil)
		if res.StatusCode != tc.status || body != tc.body || res.Header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s: %d %s (request id %q), want %d %s", tc.path, res.StatusCode, body, res.Header.Get("x-amzn-RequestId"), tc.status, tc.body)
		}
	}
}

func TestProxySecretsStageVariablesAndForwarding(t *testing.T) {
	t.Setenv("TEST_PROVIDER_KEY", "s3cr3t-value")
	var got *http.Request
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		io.WriteString(w, "path="+r.URL.Path+" query="+r.URL.RawQuery)
	}))
	defer backend.Close()
	s := serveAPIs(t, gateway.API{Name: "api", Stages: []gateway.Stage{{Name: "v1", Variables: map[string]string{"backend": strings.TrimPrefix(backend.URL, "http://")}}},
		Routes: []gateway.Route{{Method: "GET", Path: "/items/{id}", Integration: gateway.IntegrationConfig{
			Type: "http_proxy", URI: "http://${stageVariables.backend}/things/{id}",
			RequestParameters: map[string]string{"overwrite:header.X-Item": "$request.path.id", "remove:header.X-Drop": ""},
			Secrets:           []gateway.SecretInjection{{In: "header", Name: "X-Api-Key", FromEnv: "TEST_PROVIDER_KEY"}},
		}}}})
	res, body := do(t, "GET", s.URL+"/v1/items/a%20b?q=1&token=abc", http.Header{
		"X-Api-Key": {"forged"}, "X-Drop": {"x"}, "X-Forwarded-For": {"10.0.0.1"}})
	if res.StatusCode != 200 || body != "path=/things/a b query=q=1&token=abc" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if got.Header.Get("X-Api-Key") != "s3cr3t-value" || len(got.Header["X-Api-Key"]) != 1 {
		t.Errorf("backend got key %q", got.Header["X-Api-Key"])
	}
	if got.Header.Get("X-Item") != "a b" || got.Header.Get("X-Drop") != "" {
		t.Errorf("mappings: %v", got.Header)
	}
	if xff := got.Header.Get("X-Forwarded-For"); xff != "10.0.0.1, 127.0.0.1" {
		t.Errorf("X-Forwarded-For %q", xff)
	}
	if res.Header.Get("Apigw-Requestid") == "" {
		t.Error("no apigw-requestid on an HTTP API answer")
	}
	log := s.log.String()
	for _, leak := range []string{"s3cr3t-value", "token=abc", "forged"} {
		if strings.Contains(log, leak) {
			t.Errorf("access log holds %q: %s", leak, log)
		}
	}
	if !strings.Contains(log, `"route":"GET /items/{id}"`) || !strings.Contains(log, `"stage":"v1"`) {
		t.Errorf("access log: %s", log)
	}
}

func TestSecretMissingNamesVariable(t *testing.T) {
	_, err := gateway.New(gateway.Config{NewIntegration: integration.NewBuilder().New, APIs: []gateway.API{{Name: "a",
		Routes: []gateway.Route{{Method: "GET", Path: "/", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: "http://x",
			Secrets: []gateway.SecretInjection{{In: "header", Name: "K", FromEnv: "MOAT_TEST_UNSET_VAR"}}}}}}}})
	if err == nil || !strings.Contains(err.Error(), "MOAT_TEST_UNSET_VAR") || !strings.Contains(err.Error(), `route "GET /"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutAndBackendDown(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	s := serveAPIs(t, gateway.API{Name: "api", Routes: []gateway.Route{
		{Method: "GET", Path: "/slow", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: slow.URL, TimeoutMillis: 100}},
		{Method: "GET", Path: "/down", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: down.URL}},
	}})
	res, body := do(t, "GET", s.URL+"/slow", nil)
	if res.StatusCode != 504 || body != `{"message":"Endpoint request timed out"}` {
		t.Errorf("slow: %d %s", res.StatusCode, body)
	}
	res, body = do(t, "GET", s.URL+"/down", nil)
	if res.StatusCode != 502 || body != `{"message":"Internal server error"}` {
		t.Errorf("down: %d %s", res.StatusCode, body)
	}
}

func TestGatewayResponses(t *testing.T) {
	s := serveAPIs(t,
		gateway.API{Name: "typed", Type: "REST", BasePath: "/t", GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{
			gateway.MissingAuthenticationToken: {StatusCode: 404, Headers: map[string]string{"X-Custom": "yes"}, Body: `{"error":$context.error.messageString,"type":"$context.error.responseType"}`},
		}, Routes: []gateway.Route{mockRoute("GET", "/a", "")}},
		gateway.API{Name: "fallback", BasePath: "/f", GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{
			gateway.Default4XX: {Headers: map[string]string{"Access-Control-Allow-Origin": "*"}},
		}, Routes: []gateway.Route{mockRoute("GET", "/a", "")}},
	)
	res, body := do(t, "GET", s.URL+"/t/none", nil)
	if res.StatusCode != 404 || res.Header.Get("X-Custom") != "yes" || body != `{"error":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN"}` {
		t.Errorf("typed: %d %v %s", res.StatusCode, res.Header, body)
	}
	res, body = do(t, "GET", s.URL+"/f/none", nil)
	if res.StatusCode != 404 || res.Header.Get("Access-Control-Allow-Origin") != "*" || body != `{"message":"Not Found"}` {
		t.Errorf("fallback: %d %v %s", res.StatusCode, res.Header, body)
	}
}

func TestCORS(t *testing.T) {
	s := serveAPIs(t, gateway.API{Name: "api", CORS: &gateway.CORS{
		AllowOrigins: []string{"https://app.example.org", "https://*.example.com"}, AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"Authorization"}, ExposeHeaders: []string{"X-Total"}, MaxAge: 600, AllowCredentials: true,
	}, Routes: []gateway.Route{mockRoute("GET", "/a", "ok")}})
	preflight := func(origin, method string) http.Header {
		res, _ := do(t, "OPTIONS", s.URL+"/a", http.Header{"Origin": {origin}, "Access-Control-Request-Method": {method}, "Access-Control-Request-Headers": {"authorization"}})
		if res.StatusCode != 204 {
			t.Errorf("preflight %s: %d", origin, res.StatusCode)
		}
		return res.Header
	}
	for _, tc := range []struct {
		origin, method string
		allowed        bool
	}{
		{"https://app.example.org", "POST", true},
		{"https://deep.sub.example.com", "GET", true},
		{"https://example.com", "GET", false},
		{"http://x.example.com", "GET", false},
		{"https://evil.org", "GET", false},
		{"https://app.example.org", "DELETE", false},
	} {
		h := preflight(tc.origin, tc.method)
		if got := h.Get("Access-Control-Allow-Origin"); (got == tc.origin) != tc.allowed {
			t.Errorf("preflight %s %s: allow-origin %q", tc.origin, tc.method, got)
		}
		if tc.allowed && (h.Get("Access-Control-Allow-Credentials") != "true" || h.Get("Access-Control-Max-Age") != "600") {
			t.Errorf("preflight %s: %v", tc.origin, h)
		}
	}
	res, _ := do(t, "GET", s.URL+"/a", http.Header{"Origin": {"https://a.example.com"}})
	if res.Header.Get("Access-Control-Allow-Origin") != "https://a.example.com" || res.Header.Get("Access-Control-Expose-Headers") != "X-Total" || res.Header.Get("Vary") != "Origin" {
		t.Errorf("actual request: %v", res.Header)
	}
	res, _ = do(t, "GET", s.URL+"/a", http.Header{"Origin": {"https://evil.org"}})
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed origin got %v", res.Header)
	}
}

// idAuthorizer lets a test stand in for an authorizer without one.
type idAuthorizer func(*gateway.Request) (*gateway.Identity, error)

func (f idAuthorizer) Authorize(_ context.Context, r *gateway.Request) (*gateway.Identity, error) {
	return f(r)
}

func TestAuthorizerStageAndClaimHeaders(t *testing.T) {
	var got http.Header
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer backend.Close()
	auth := idAuthorizer(func(r *gateway.Request) (*gateway.Identity, error) {
		if r.HTTP.Header.Get("Authorization") != "Bearer good" {
			return nil, &gateway.Error{Type: gateway.Unauthorized, Message: "Unauthorized"}
		}
		return &gateway.Identity{Principal: "user-1", Claims: map[string]any{"sub": "user-1"}}, nil
	})
	var log bytes.Buffer
	g, err := gateway.New(gateway.Config{Logger: slog.New(slog.NewJSONHandler(&log, nil)), NewIntegration: integration.NewBuilder().New,
		NewAuthorizer: func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return auth, nil },
		APIs: []gateway.API{{Name: "api", Authorizers: []gateway.AuthorizerConfig{{Name: "jwt", Type: "JWT", ClaimHeaders: map[string]string{"sub": "X-User"}}},
			Routes: []gateway.Route{
				{Method: "GET", Path: "/private", Authorizer: "jwt", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend.URL}},
				{Method: "GET", Path: "/open", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend.URL}},
			}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	res, body := do(t, "GET", srv.URL+"/private", nil)
	if res.StatusCode != 401 || body != `{"message":"Unauthorized"}` || res.Header.Get("X-Amzn-Errortype") != "UnauthorizedException" {
		t.Errorf("no token: %d %s %v", res.StatusCode, body, res.Header)
	}
	res, _ = do(t, "GET", srv.URL+"/private", http.Header{"Authorization": {"Bearer good"}, "X-User": {"forged"}})
	if res.StatusCode != 200 || got.Get("X-User") != "user-1" || len(got["X-User"]) != 1 {
		t.Errorf("good token: %d %v", res.StatusCode, got)
	}
	do(t, "GET", srv.URL+"/open", http.Header{"X-User": {"forged"}})
	if got.Get("X-User") != "" {
		t.Errorf("open route passed a forged claim header: %v", got)
	}
	if !strings.Contains(log.String(), `"principal":"user-1"`) || strings.Contains(log.String(), "Bearer good") {
		t.Errorf("access log: %s", log.String())
	}
}

package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// Issue 10, item 2: the headers moat sets for a backend — a claim header, a
// parameter mapped from a claim, an injected secret, the forwarding headers
// — reach it with moat's values only. A client can neither name them in
// Connection to have the proxy drop them, nor smuggle look-alikes spelled
// with underscores (which CGI, PHP and WSGI backends read as dashes).
func TestBackendSeesOnlyMoatsHeaders(t *testing.T) {
	var got http.Header
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer backend.Close()
	t.Setenv("FORGED_HEADERS_TEST_KEY", "the-real-key")
	auth := idAuthorizer(func(r *gateway.Request) (*gateway.Identity, error) {
		return &gateway.Identity{Principal: "user-1", Claims: map[string]any{"sub": "user-1", "email": "u@example.com"}}, nil
	})
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{NewIntegration: b.New,
		NewAuthorizer: func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return auth, nil },
		APIs: []gateway.API{{Name: "api", Authorizers: []gateway.AuthorizerConfig{{Name: "jwt", Type: "JWT", ClaimHeaders: map[string]string{"sub": "X-User-Id"}}},
			Routes: []gateway.Route{{Method: "GET", Path: "/me", Authorizer: "jwt", Integration: gateway.IntegrationConfig{
				Type: "http_proxy", URI: backend.URL,
				RequestParameters: map[string]string{"overwrite:header.X-User-Email": "$context.authorizer.claims.email"},
				Secrets:           []gateway.SecretInjection{{In: "header", Name: "X-Api-Key", FromEnv: "FORGED_HEADERS_TEST_KEY"}},
			}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	want := map[string]string{"x-user-id": "user-1", "x-user-email": "u@example.com", "x-api-key": "the-real-key", "x-forwarded-for": "127.0.0.1"}
	for _, attack := range []http.Header{
		{"Connection": {"X-User-Id, X-User-Email, X-Api-Key"}},
		{"Connection": {"keep-alive, x-user-id"}, "X-User-Id": {"forged"}},
		{"X_User_Id": {"forged"}, "X_USER_EMAIL": {"forged"}, "x_api_key": {"forged"}, "X_Forwarded_For": {"6.6.6.6"}},
		{"X-User_Id": {"forged"}, "Connection": {"X-User_Id"}},
	} {
		res, body := rawRequest(t, srv.URL, "GET", "/me", attack)
		if res.StatusCode != 200 {
			t.Fatalf("%v: %d %s", attack, res.StatusCode, body)
		}
		seen := map[string][]string{}
		for name, values := range got {
			folded := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
			if _, protected := want[folded]; protected {
				seen[folded] = append(seen[folded], values...)
			}
		}
		for name, value := range want {
			if !slices.Equal(seen[name], []string{value}) {
				t.Errorf("with %v the backend got %s as %q, want only moat's %q (all headers: %v)", attack, name, seen[name], value, got)
			}
		}
	}
}

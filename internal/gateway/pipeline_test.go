package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// A stage is added through the pipeline's configuration: a WAF first,
// before the authorizer, refusing with WAF_FILTERED, and seeing the routed
// request (route, canonical path, method ARN).
func TestPipelineTakesConfiguredStages(t *testing.T) {
	var authorized atomic.Int32
	auth := idAuthorizer(func(r *gateway.Request) (*gateway.Identity, error) {
		authorized.Add(1)
		return &gateway.Identity{Principal: "p"}, nil
	})
	var seen atomic.Value
	waf := gateway.PassFunc(func(r *gateway.Request) error {
		seen.Store(r.Route.Path + " " + r.HTTP.URL.Path + " " + r.MethodARN)
		if strings.Contains(r.HTTP.URL.RawQuery, "evil") {
			return &gateway.Error{Type: gateway.WAFFiltered, Message: "Forbidden"}
		}
		return nil
	})
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{NewIntegration: b.New, Region: "us-east-1",
		NewAuthorizer: func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return auth, nil },
		Pipeline:      append([]gateway.PipelineStage{waf}, gateway.DefaultPipeline()...),
		APIs: []gateway.API{{Name: "api", ID: "a1b2c3d4e5", Authorizers: []gateway.AuthorizerConfig{{Name: "jwt", Type: "JWT"}},
			Routes: []gateway.Route{{Method: "GET", Path: "/items/{id}", Authorizer: "jwt", Integration: gateway.IntegrationConfig{Type: "mock", Body: "ok"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	res, body := do(t, "GET", srv.URL+"/items/%37?q=evil", nil)
	if res.StatusCode != http.StatusForbidden || body != `{"message":"Forbidden"}` || res.Header.Get("X-Amzn-Errortype") != "ForbiddenException" {
		t.Errorf("the WAF's refusal: %d %s %v", res.StatusCode, body, res.Header)
	}
	if authorized.Load() != 0 {
		t.Error("the authorizer ran for a request the WAF refused")
	}
	if got := seen.Load(); got != "/items/{id} /items/7 arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/$default/GET/items/7" {
		t.Errorf("the WAF saw %v", got)
	}
	if res, body := do(t, "GET", srv.URL+"/items/7?q=fine", nil); res.StatusCode != 200 || body != "ok" || authorized.Load() != 1 {
		t.Errorf("a request the WAF passed: %d %s, authorized %d times", res.StatusCode, body, authorized.Load())
	}
}

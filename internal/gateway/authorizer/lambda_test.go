package authorizer

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/testenv"
)

func wantLambdaRefusal(t testing.TB, err error, typ gateway.ResponseType, message string) *gateway.Error {
	t.Helper()
	var ge *gateway.Error
	if !errors.As(err, &ge) || ge.Type != typ || ge.Message != message {
		t.Fatalf("err = %v, want %s %q", err, typ, message)
	}
	return ge
}

// tokenFunction allows "allow", denies "deny", answers Unauthorized to
// "unauthorized", fails for "fail" and answers nonsense for "garbage".
func tokenFunction() *goFunctions {
	return &goFunctions{handle: func(ev map[string]any) (any, error) {
		switch ev["authorizationToken"] {
		case "Bearer allow":
			return policy("Allow", "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/*", map[string]any{"tenant": "t1", "level": 3}), nil
		case "Bearer deny":
			return policy("Deny", "*", nil), nil
		case "Bearer unauthorized":
			return nil, errors.New("Unauthorized")
		case "Bearer garbage":
			return map[string]any{"principalId": "x"}, nil
		}
		return nil, errors.New("boom")
	}}
}

func TestTokenAuthorizer(t *testing.T) {
	fn := tokenFunction()
	reg := prometheus.NewRegistry()
	metrics, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	a := newLambdaFor(t, restAPI, gateway.AuthorizerConfig{Name: "tok", Type: "TOKEN", Function: "authz",
		IdentityValidationExpression: "Bearer [a-z]+"}, fn, Deps{Metrics: metrics})
	ctx := context.Background()

	id, err := a.Authorize(ctx, lambdaRequest("GET", "/orders", "Authorization", "Bearer allow"))
	if err != nil {
		t.Fatal(err)
	}
	if id.Kind != gateway.LambdaIdentity || id.Principal != "user-1" || id.Context["tenant"] != "t1" || id.Context["level"] != "3" {
		t.Fatalf("%+v", id)
	}
	if got := fn.seen.Load(); got != "apigateway.amazonaws.com authz arn:aws:execute-api:us-east-1:000000000000:abc123/authorizers/tok" {
		t.Errorf("invoked as %v", got)
	}
	// Cached: the same token does not invoke again, and the cached policy
	// is evaluated for the new method — POST is not allowed.
	if _, err := a.Authorize(ctx, lambdaRequest("GET", "/other", "Authorization", "Bearer allow")); err != nil {
		t.Fatal(err)
	}
	ge := wantLambdaRefusal(t, func() error {
		_, err := a.Authorize(ctx, lambdaRequest("POST", "/orders", "Authorization", "Bearer allow"))
		return err
	}(), gateway.AccessDenied, "User is not authorized to access this resource")
	if ge.Template != `{"Message":$context.error.messageString}` {
		t.Errorf("template %q", ge.Template)
	}
	if n := fn.calls.Load(); n != 1 {
		t.Errorf("%d invocations, want 1", n)
	}

	_, err = a.Authorize(ctx, lambdaRequest("GET", "/orders", "Authorization", "Bearer deny"))
	wantLambdaRefusal(t, err, gateway.AccessDenied, "User is not authorized to access this resource with an explicit deny")
	_, err = a.Authorize(ctx, lambdaRequest("GET", "/orders", "Authorization", "Bearer unauthorized"))
	wantLambdaRefusal(t, err, gateway.Unauthorized, "Unauthorized")

	before := fn.calls.Load()
	for _, header := range []string{"", "Bearer NOT-LOWER", "Bearer allow x"} {
		_, err = a.Authorize(ctx, lambdaRequest("GET", "/orders", "Authorization", header))
		wantLambdaRefusal(t, err, gateway.Unauthorized, "Unauthorized")
	}
	if fn.calls.Load() != before {
		t.Error("a missing or invalid token invoked the function")
	}

	for _, token := range []string{"Bearer fail", "Bearer garbage"} {
		for range 2 { // failures are not cached
			_, err = a.Authorize(ctx, lambdaRequest("GET", "/orders", "Authorization", token))
			ge = wantLambdaRefusal(t, err, gateway.AuthorizerConfigurationError, "")
			if ge.Template != `{"message":null}` {
				t.Errorf("template %q", ge.Template)
			}
		}
	}
	if got := testutil.ToFloat64(metrics.errors.WithLabelValues("shop", "tok")); got != 4 {
		t.Errorf("errors = %v, want 4", got)
	}
	if got := testutil.ToFloat64(metrics.cache.WithLabelValues("shop", "tok", "hit")); got != 2 {
		t.Errorf("hits = %v, want 2", got)
	}
	if got, want := testutil.ToFloat64(metrics.invocations.WithLabelValues("shop", "tok")), float64(fn.calls.Load()); got != want {
		t.Errorf("invocations = %v, want %v", got, want)
	}
}

func TestRequestAuthorizerSources(t *testing.T) {
	fn := &goFunctions{handle: func(ev map[string]any) (any, error) {
		headers, _ := ev["headers"].(map[string]any)
		query, _ := ev["queryStringParameters"].(map[string]any)
		if headers["X-User"] == "ann" && query["tenant"] == "t1" {
			return policy("Allow", "*", map[string]any{"user": "ann"}), nil
		}
		return policy("Deny", "*", nil), nil
	}}
	sources := "method.request.header.X-User, method.request.querystring.tenant, stageVariables.tier, context.httpMethod"
	cached := newLambdaFor(t, restAPI, gateway.AuthorizerConfig{Name: "req", Type: "REQUEST", Function: "authz", IdentitySource: sources}, fn, Deps{})
	ctx := context.Background()
	ok := lambdaRequest("GET", "/orders?tenant=t1", "X-User", "ann")
	ok.HTTP.URL.RawQuery = "tenant=t1"
	for range 2 {
		if _, err := cached.Authorize(ctx, ok); err != nil {
			t.Fatal(err)
		}
	}
	if fn.calls.Load() != 1 {
		t.Errorf("%d invocations, want 1", fn.calls.Load())
	}
	// Another value of any source is another cache entry.
	other := lambdaRequest("GET", "/orders", "X-User", "ann")
	other.HTTP.URL.RawQuery = "tenant=t2"
	_, err := cached.Authorize(ctx, other)
	wantLambdaRefusal(t, err, gateway.AccessDenied, "User is not authorized to access this resource with an explicit deny")
	// With caching, a missing source is 401 without invoking.
	before := fn.calls.Load()
	_, err = cached.Authorize(ctx, lambdaRequest("GET", "/orders", "X-User", "ann"))
	wantLambdaRefusal(t, err, gateway.Unauthorized, "Unauthorized")
	if fn.calls.Load() != before {
		t.Error("a missing identity source invoked the function")
	}
	// TTL 0: every request invokes, and REST sources are optional.
	uncached := newLambdaFor(t, restAPI, gateway.AuthorizerConfig{Name: "req0", Type: "REQUEST", Function: "authz", IdentitySource: sources, ResultTTLSeconds: ttl(0)}, fn, Deps{})
	before = fn.calls.Load()
	for range 3 {
		if _, err := uncached.Authorize(ctx, ok); err != nil {
			t.Fatal(err)
		}
	}
	_, err = uncached.Authorize(ctx, lambdaRequest("GET", "/orders"))
	wantLambdaRefusal(t, err, gateway.AccessDenied, "User is not authorized to access this resource with an explicit deny")
	if n := fn.calls.Load() - before; n != 4 {
		t.Errorf("%d invocations, want 4", n)
	}
}

func TestHTTPAPISimpleResponses(t *testing.T) {
	api := &gateway.API{Name: "h", ID: "h1", Type: "HTTP"}
	fn := &goFunctions{handle: func(ev map[string]any) (any, error) {
		if ev["version"] != "2.0" || ev["routeArn"] == nil {
			return nil, errors.New("not a 2.0 event")
		}
		sources, _ := ev["identitySource"].([]any)
		return map[string]any{"isAuthorized": len(sources) == 1 && sources[0] == "yes", "context": map[string]any{"roles": []string{"a", "b"}}}, nil
	}}
	a := newLambdaFor(t, api, gateway.AuthorizerConfig{Name: "simple", Type: "REQUEST", Function: "authz",
		IdentitySource: "$request.header.X-Key", EnableSimpleResponses: true}, fn, Deps{})
	req := lambdaRequest("GET", "/x", "X-Key", "yes")
	req.API = api
	id, err := a.Authorize(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if roles, _ := id.Context["roles"].([]any); len(roles) != 2 {
		t.Errorf("context %v", id.Context)
	}
	no := lambdaRequest("GET", "/x", "X-Key", "no")
	no.API = api
	_, err = a.Authorize(context.Background(), no)
	wantLambdaRefusal(t, err, gateway.AccessDenied, "Forbidden")
	_, err = a.Authorize(context.Background(), lambdaRequest("GET", "/x"))
	wantLambdaRefusal(t, err, gateway.Unauthorized, "Unauthorized")
}

// Two replicas' authorizers share answers through Redis: the second
// replica does not invoke for a caller the first has seen.
func TestLambdaCacheSharedThroughRedis(t *testing.T) {
	api := &gateway.API{Name: "shared", ID: "moat-test-" + testenv.RandomHex(6), Type: "REST"}
	client := testenv.NewRedisClient(t, api.ID)
	fn := tokenFunction()
	cfg := gateway.AuthorizerConfig{Name: "tok", Type: "TOKEN", Function: "authz"}
	one := newLambdaFor(t, api, cfg, fn, Deps{Redis: client})
	two := newLambdaFor(t, api, cfg, fn, Deps{Redis: client})
	req := lambdaRequest("GET", "/orders", "Authorization", "Bearer allow")
	req.MethodARN = "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/orders"
	for _, a := range []gateway.Authorizer{one, two, two} {
		if _, err := a.Authorize(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if n := fn.calls.Load(); n != 1 {
		t.Errorf("%d invocations, want 1", n)
	}
	keys, err := client.Keys(context.Background(), "moat:authorizer:"+api.ID+":tok:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %v %v", keys, err)
	}
	if left := client.PTTL(context.Background(), keys[0]).Val(); left <= 0 || left > 300e9 {
		t.Errorf("TTL %v", left)
	}
}

func TestLambdaAuthorizerSettingsRefused(t *testing.T) {
	httpAPI := &gateway.API{Name: "h", Type: "HTTP"}
	for _, c := range []struct {
		api *gateway.API
		cfg gateway.AuthorizerConfig
	}{
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN"}},
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f", ResultTTLSeconds: ttl(3601)}},
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f", ResultTTLSeconds: ttl(-1)}},
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f", IdentitySource: "a, b"}},
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f", IdentitySource: "method.request.querystring.t"}},
		{restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f", IdentityValidationExpression: "("}},
		{restAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f"}}, // caching without a source
		{restAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$context.nope"}},
		{restAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$request.header.A", IdentityValidationExpression: "x"}},
		{restAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$request.header.A", PayloadFormatVersion: "2.0"}},
		{restAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$request.header.A", Issuers: []gateway.IssuerConfig{{Issuer: "x"}}}},
		{httpAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f"}},
		{httpAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$request.header.A", PayloadFormatVersion: "3.0"}},
		{httpAPI, gateway.AuthorizerConfig{Type: "REQUEST", Function: "f", IdentitySource: "$request.header.A", PayloadFormatVersion: "1.0", EnableSimpleResponses: true}},
		{restAPI, gateway.AuthorizerConfig{Type: "JWT", Function: "f"}},
	} {
		if _, err := New(c.api, c.cfg, Deps{Functions: &goFunctions{}}); err == nil {
			t.Errorf("%+v on %s: accepted", c.cfg, c.api.Type)
		}
	}
	if _, err := New(restAPI, gateway.AuthorizerConfig{Type: "TOKEN", Function: "f"}, Deps{}); err == nil {
		t.Error("a Lambda authorizer without functions was accepted")
	}
}

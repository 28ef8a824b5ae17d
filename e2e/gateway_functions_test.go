package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gatewayFunctionsConfig runs testdata/lambda/gatewayfn (built into
// <data-dir>/gatewayfn) under the names API Gateway's exports in
// internal/gateway/apidef/testdata invoke.
const gatewayFunctionsConfig = functionsRoleConfig + `functions:
  - {name: orders-backend, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/lambda-exec", code: gatewayfn}
  - {name: orders-authorizer, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/lambda-exec", code: gatewayfn}
  - {name: notes-backend, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/lambda-exec", code: gatewayfn}
  - {name: notes-authorizer, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/lambda-exec", code: gatewayfn}
`

// startGatewayFunctions starts moat with the Go function deployed and the
// API Gateway export named (a file of internal/gateway/apidef/testdata)
// loaded with --api.
func startGatewayFunctions(t *testing.T, export string) *Moat {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(dir, "gatewayfn", "bootstrap"), "./testdata/lambda/gatewayfn")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the Go function: %v\n%s", err, out)
	}
	api, err := filepath.Abs(filepath.Join("..", "internal", "gateway", "apidef", "testdata", export))
	if err != nil {
		t.Fatal(err)
	}
	return startMoat(t, moatOptions{DataDir: dir, Config: gatewayFunctionsConfig, Args: []string{"--api", api}})
}

type gatewayAnswer struct {
	status int
	header http.Header
	body   string
}

func callGateway(t *testing.T, m *Moat, path string, headers ...string) gatewayAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.GatewayURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, body := do(t, req)
	return gatewayAnswer{res.StatusCode, res.Header, string(body)}
}

// authorizerInvocations is moat_gateway_authorizer_invocations_total for
// the API's authorizer, from /metrics.
func authorizerInvocations(t *testing.T, m *Moat, api, authorizer string) int {
	t.Helper()
	series := fmt.Sprintf(`moat_gateway_authorizer_invocations_total{api=%q,authorizer=%q} `, api, authorizer)
	for line := range strings.SplitSeq(m.metrics(t), "\n") {
		if v, ok := strings.CutPrefix(line, series); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return int(n)
		}
	}
	return 0
}

// TestGatewayFunctionsRESTExport: a REST API as API Gateway exports it
// (payload 1.0, TOKEN and REQUEST authorizers) answers as AWS does with a
// real aws-lambda-go authorizer and backend.
func TestGatewayFunctionsRESTExport(t *testing.T) {
	t.Parallel()
	m := startGatewayFunctions(t, "lambda-rest-export.json")

	a := callGateway(t, m, "/orders/7", "Authorization", "Bearer allow")
	var saw struct {
		Authorizer     map[string]any
		Path, Resource string
	}
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &saw) != nil {
		t.Fatalf("Allow: %d %s", a.status, a.body)
	}
	want := map[string]any{"principalId": "user-42", "tenant": "t1", "level": "3", "admin": "true"}
	if fmt.Sprint(saw.Authorizer) != fmt.Sprint(want) || saw.Path != "/orders/7" || saw.Resource != "/orders/{id}" {
		t.Errorf("the backend saw %s, want the authorizer's principalId and context (as strings) %v", a.body, want)
	}
	if got := a.header.Values("X-Seen"); len(got) != 2 {
		t.Errorf("multiValueHeaders: X-Seen %v", got)
	}
	// The second identical call within the TTL does not invoke the authorizer.
	if a := callGateway(t, m, "/orders/8", "Authorization", "Bearer allow"); a.status != http.StatusOK {
		t.Fatalf("cached Allow: %d %s", a.status, a.body)
	}
	if n := authorizerInvocations(t, m, "orders", "token-auth"); n != 1 {
		t.Errorf("token-auth invoked %d times for one token, want 1", n)
	}
	for _, c := range []struct {
		token, body string
		status      int
	}{
		{"Bearer deny", `{"Message":"User is not authorized to access this resource with an explicit deny"}`, 403},
		{"Bearer stranger", `{"message":"Unauthorized"}`, 401},
	} {
		if a := callGateway(t, m, "/orders/7", "Authorization", c.token); a.status != c.status || a.body != c.body {
			t.Errorf("%s: %d %s, want %d %s", c.token, a.status, a.body, c.status, c.body)
		}
	}
	// A token failing identityValidationExpression is refused without invoking.
	before := authorizerInvocations(t, m, "orders", "token-auth")
	for _, token := range []string{"Bearer not valid!", "Basic allow", ""} {
		if a := callGateway(t, m, "/orders/7", "Authorization", token); a.status != 401 || a.body != `{"message":"Unauthorized"}` {
			t.Errorf("%q: %d %s, want 401", token, a.status, a.body)
		}
	}
	if n := authorizerInvocations(t, m, "orders", "token-auth"); n != before {
		t.Errorf("invalid tokens invoked the authorizer (%d → %d)", before, n)
	}
	// TTL 0 invokes every time.
	for range 3 {
		if a := callGateway(t, m, "/uncached", "Authorization", "Bearer allow"); a.status != 200 {
			t.Fatalf("uncached: %d %s", a.status, a.body)
		}
	}
	if n := authorizerInvocations(t, m, "orders", "token-uncached"); n != 3 {
		t.Errorf("token-uncached invoked %d times for 3 calls, want 3", n)
	}
	// REQUEST: a header and a query string; a missing one is 401, uninvoked.
	if a := callGateway(t, m, "/reports?tenant=t1", "X-User", "ann"); a.status != 200 || !strings.Contains(a.body, `"principalId":"ann"`) {
		t.Errorf("REQUEST Allow: %d %s", a.status, a.body)
	}
	if a := callGateway(t, m, "/reports", "X-User", "ann"); a.status != 401 {
		t.Errorf("REQUEST without tenant: %d %s, want 401", a.status, a.body)
	}
	if n := authorizerInvocations(t, m, "orders", "request-auth"); n != 1 {
		t.Errorf("request-auth invoked %d times, want 1", n)
	}
}

// TestGatewayFunctionsHTTPExport: an HTTP API as API Gateway exports it
// (payload 2.0, a simple-response authorizer and a payload 1.0 policy
// authorizer) answers as AWS does.
func TestGatewayFunctionsHTTPExport(t *testing.T) {
	t.Parallel()
	m := startGatewayFunctions(t, "lambda-http-export.json")

	for range 2 {
		a := callGateway(t, m, "/notes/1", "X-Key", "yes")
		var saw struct {
			Authorizer map[string]any
			RouteKey   string
		}
		if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &saw) != nil || saw.RouteKey != "GET /notes/{id}" {
			t.Fatalf("Allow: %d %s", a.status, a.body)
		}
		if roles, _ := saw.Authorizer["roles"].([]any); len(roles) != 2 || a.header.Get("Set-Cookie") != "seen=1" {
			t.Errorf("the backend saw %s (cookies %v); want the authorizer's context as returned", a.body, a.header.Values("Set-Cookie"))
		}
	}
	if n := authorizerInvocations(t, m, "notes", "simple-auth"); n != 1 {
		t.Errorf("simple-auth invoked %d times for one key, want 1", n)
	}
	if a := callGateway(t, m, "/notes/1", "X-Key", "no"); a.status != 403 || a.body != `{"message":"Forbidden"}` {
		t.Errorf("isAuthorized false: %d %s, want 403 Forbidden", a.status, a.body)
	}
	if a := callGateway(t, m, "/notes/1"); a.status != 401 || a.body != `{"message":"Unauthorized"}` {
		t.Errorf("no key: %d %s, want 401", a.status, a.body)
	}
	// Payload 1.0 policy, $context.routeKey among the sources, TTL 0.
	for range 2 {
		if a := callGateway(t, m, "/policy", "X-Key", "yes"); a.status != 200 || !strings.Contains(a.body, `"via":"1.0"`) {
			t.Errorf("1.0 Allow: %d %s", a.status, a.body)
		}
	}
	if a := callGateway(t, m, "/policy", "X-Key", "no"); a.status != 403 {
		t.Errorf("1.0 Deny: %d %s, want 403", a.status, a.body)
	}
	if n := authorizerInvocations(t, m, "notes", "policy-auth"); n != 3 {
		t.Errorf("policy-auth invoked %d times for 3 calls with TTL 0, want 3", n)
	}
}

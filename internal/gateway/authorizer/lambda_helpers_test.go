package authorizer

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// goFunctions runs a Go handler in-process as the runtime runs a
// function: the event in as JSON, the result (or the error, as the
// runtime reports a handler's error) out as JSON.
type goFunctions struct {
	calls  atomic.Int32
	handle func(event map[string]any) (any, error)
	seen   atomic.Value // the last sourceARN
}

func (f *goFunctions) InvokeFunction(_ context.Context, principal, function, sourceARN string, payload []byte) ([]byte, string, error) {
	f.calls.Add(1)
	f.seen.Store(principal + " " + function + " " + sourceARN)
	var event map[string]any
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, "", err
	}
	out, err := f.handle(event)
	if err != nil {
		b, _ := json.Marshal(map[string]any{"errorMessage": err.Error(), "errorType": "errorString"})
		return b, "Unhandled", nil
	}
	b, err := json.Marshal(out)
	return b, "", err
}

// policy is an authorizer's answer allowing or denying resource.
func policy(effect, resource string, context map[string]any) map[string]any {
	return map[string]any{
		"principalId": "user-1",
		"policyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}}},
		"context": context,
	}
}

var restAPI = &gateway.API{Name: "shop", ID: "abc123", Type: "REST"}

func newLambdaFor(t testing.TB, api *gateway.API, cfg gateway.AuthorizerConfig, fn *goFunctions, deps Deps) gateway.Authorizer {
	t.Helper()
	deps.Functions, deps.Logger = fn, quietDeps.Logger
	a, err := New(api, cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// lambdaRequest is method on path in stage prod, with the given headers.
func lambdaRequest(method, path string, headers ...string) *gateway.Request {
	r := httptest.NewRequest(method, "/prod"+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return &gateway.Request{HTTP: r, RequestID: "r1", API: restAPI, Stage: &gateway.Stage{Name: "prod", Variables: map[string]string{"tier": "gold"}},
		Route: &gateway.Route{Method: method, Path: path}, RoutePath: path,
		MethodARN: "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/" + method + path}
}

func ttl(n int) *int { return &n }

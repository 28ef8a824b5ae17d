package integration_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/gateway"
)

// functions runs Go handlers in-process as the runtime runs functions:
// JSON in, JSON (or a handler error as the runtime reports it) out.
type functions map[string]func(ctx context.Context, event []byte) (any, error)

func (f functions) InvokeFunction(ctx context.Context, principal, function, sourceARN string, payload []byte) ([]byte, string, error) {
	handler, ok := f[function]
	if !ok {
		return nil, "", errors.New("ResourceNotFoundException: Function not found: " + function)
	}
	if principal != gateway.GatewayPrincipal || !strings.HasPrefix(sourceARN, "arn:aws:execute-api:us-east-1:000000000000:") {
		return nil, "", errors.New("AccessDeniedException: " + principal + " " + sourceARN)
	}
	out, err := handler(ctx, payload)
	var throttled throttle
	switch {
	case errors.As(err, &throttled):
		return nil, "", err
	case err != nil:
		b, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		return b, "Unhandled", nil
	}
	if raw, ok := out.(json.RawMessage); ok {
		return raw, "", nil
	}
	b, err := json.Marshal(out)
	return b, "", err
}

type throttle struct{}

func (throttle) Error() string { return "TooManyRequestsException: Rate Exceeded." }

func lambdaAPI(kind string, fns functions, routes ...gateway.Route) gateway.API {
	return gateway.API{Name: "fn", Type: kind, BinaryMediaTypes: []string{"image/*"},
		Stages: []gateway.Stage{{Name: "prod", Variables: map[string]string{"suffix": "v2"}}}, Routes: routes}
}

func lambdaRoute(method, path, function, version string) gateway.Route {
	return gateway.Route{Method: method, Path: path, Integration: gateway.IntegrationConfig{Type: "lambda_proxy", Function: function, PayloadFormatVersion: version}}
}

func serveFunctions(t *testing.T, api gateway.API, fns functions) string {
	t.Helper()
	b := newBuilder(t)
	b.Functions = fns
	g, err := gateway.New(gateway.Config{APIs: []gateway.API{api}, NewIntegration: b.New, Region: "us-east-1", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandler(t, g)
}

func call(t *testing.T, method, url, contentType, body string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func TestLambdaProxyRESTPayload1(t *testing.T) {
	fns := functions{"echo-v2": func(_ context.Context, raw []byte) (any, error) {
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		body := ev.Body
		if ev.IsBase64Encoded {
			b, _ := base64.StdEncoding.DecodeString(ev.Body)
			body = "binary:" + string(b)
		}
		summary, _ := json.Marshal(map[string]any{"resource": ev.Resource, "path": ev.Path, "id": ev.PathParameters["id"],
			"tags": ev.MultiValueQueryStringParameters["tag"], "suffix": ev.StageVariables["suffix"], "body": body,
			"stage": ev.RequestContext.Stage, "multi": ev.MultiValueHeaders["X-Multi"]})
		return events.APIGatewayProxyResponse{StatusCode: 201, Headers: map[string]string{"Content-Type": "application/json", "X-One": "1"},
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, Body: string(summary)}, nil
	}, "png": func(context.Context, []byte) (any, error) {
		return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "image/png"},
			Body: base64.StdEncoding.EncodeToString([]byte("\x89PNG")), IsBase64Encoded: true}, nil
	}, "fails": func(context.Context, []byte) (any, error) {
		return nil, errors.New("handler failed")
	}, "malformed": func(context.Context, []byte) (any, error) {
		return json.RawMessage(`{"body": {"not": "a string"}}`), nil
	}, "throttled": func(context.Context, []byte) (any, error) {
		return nil, throttle{}
	}, "slow": func(ctx context.Context, _ []byte) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	slow := lambdaRoute("GET", "/slow", "slow", "")
	slow.Integration.TimeoutMillis = 100
	url := serveFunctions(t, lambdaAPI("REST", fns,
		lambdaRoute("POST", "/items/{id}", "echo-${stageVariables.suffix}", ""),
		lambdaRoute("GET", "/png", "png", ""), lambdaRoute("GET", "/fails", "fails", ""),
		lambdaRoute("GET", "/malformed", "malformed", ""), lambdaRoute("GET", "/throttled", "throttled", ""),
		lambdaRoute("GET", "/missing", "missing", ""), slow), fns)

	status, h, body := call(t, "POST", url+"/prod/items/7?tag=a&tag=b", "text/plain", "hello", "X-Multi", "1", "X-Multi", "2")
	if status != 201 || h.Get("X-One") != "1" || len(h.Values("Set-Cookie")) != 2 {
		t.Fatalf("%d %v %s", status, h, body)
	}
	var got map[string]any
	_ = json.Unmarshal([]byte(body), &got)
	want := `{"body":"hello","id":"7","multi":["1","2"],"path":"/items/7","resource":"/items/{id}","stage":"prod","suffix":"v2","tags":["a","b"]}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("event seen as %s, want %s", b, want)
	}
	// A binary media type goes base64 and comes back decoded.
	if _, _, body = call(t, "POST", url+"/prod/items/7", "image/jpeg", "\xff\xd8"); !strings.Contains(body, `"body":"binary:\ufffd\ufffd"`) {
		t.Errorf("binary body seen as %s", body)
	}
	if status, h, body = call(t, "GET", url+"/prod/png", "", "", "Accept", "image/png"); status != 200 || body != "\x89PNG" || h.Get("Content-Type") != "image/png" {
		t.Errorf("png: %d %v %q", status, h, body)
	}
	for path, want := range map[string]struct {
		status int
		body   string
	}{
		"/fails":     {502, `{"message":"Internal server error"}`},
		"/malformed": {502, `{"message":"Internal server error"}`},
		"/throttled": {500, `{"message":"Internal server error"}`},
		"/missing":   {500, `{"message":"Internal server error"}`},
		"/slow":      {504, `{"message":"Endpoint request timed out"}`},
	} {
		if status, _, body := call(t, "GET", url+"/prod"+path, "", ""); status != want.status || body != want.body {
			t.Errorf("%s: %d %s, want %d %s", path, status, body, want.status, want.body)
		}
	}
}

func TestLambdaProxyHTTPPayload2(t *testing.T) {
	fns := functions{"v2": func(_ context.Context, raw []byte) (any, error) {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil || ev.Version != "2.0" {
			return nil, errors.New("not a 2.0 event")
		}
		if ev.QueryStringParameters["bare"] != "" {
			return "Hello " + ev.PathParameters["name"], nil
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "text/plain"},
			Cookies: []string{"s=1; HttpOnly"}, Body: ev.RouteKey + " " + strings.Join(ev.Cookies, "|")}, nil
	}, "v1": func(_ context.Context, raw []byte) (any, error) {
		var ev struct {
			Version string `json:"version"`
			events.APIGatewayProxyRequest
		}
		_ = json.Unmarshal(raw, &ev)
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: ev.Version + " " + ev.Path}, nil
	}, "fails": func(context.Context, []byte) (any, error) {
		return nil, errors.New("no")
	}}
	url := serveFunctions(t, lambdaAPI("HTTP", fns, lambdaRoute("GET", "/hello/{name}", "v2", ""), lambdaRoute("GET", "/old", "v1", "1.0"),
		lambdaRoute("GET", "/fails", "fails", "2.0")), fns)
	if status, h, body := call(t, "GET", url+"/prod/hello/ann", "", "", "Cookie", "a=1; b=2"); status != 200 || body != "GET /hello/{name} a=1|b=2" || h.Get("Set-Cookie") != "s=1; HttpOnly" {
		t.Errorf("%d %v %q", status, h, body)
	}
	if status, h, body := call(t, "GET", url+"/prod/hello/ann?bare=1", "", ""); status != 200 || body != "Hello ann" || h.Get("Content-Type") != "application/json" {
		t.Errorf("bare: %d %v %q", status, h, body)
	}
	if status, _, body := call(t, "GET", url+"/prod/old", "", ""); status != 200 || body != "1.0 /old" {
		t.Errorf("1.0: %d %q", status, body)
	}
	if status, _, body := call(t, "GET", url+"/prod/fails", "", ""); status != 500 || body != `{"message":"Internal Server Error"}` {
		t.Errorf("fails: %d %q", status, body)
	}
}

func TestLambdaProxyRefusedSettings(t *testing.T) {
	fns := functions{}
	for _, r := range []gateway.Route{
		lambdaRoute("GET", "/", "", ""),
		lambdaRoute("GET", "/", "f", "3.0"),
		{Method: "GET", Path: "/", Integration: gateway.IntegrationConfig{Type: "lambda_proxy", Function: "f", URI: "http://x"}},
		{Method: "GET", Path: "/", Integration: gateway.IntegrationConfig{Type: "lambda_proxy", Function: "f", TimeoutMillis: 10}},
		{Method: "GET", Path: "/", Integration: gateway.IntegrationConfig{Type: "lambda_proxy", Function: "f${stageVariables.x"}},
	} {
		b := newBuilder(t)
		b.Functions = fns
		if _, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "a", Routes: []gateway.Route{r}}}, NewIntegration: b.New, Logger: quiet}); err == nil {
			t.Errorf("%+v accepted", r.Integration)
		}
	}
	rest := lambdaRoute("GET", "/", "f", "2.0")
	b := newBuilder(t)
	b.Functions = fns
	if _, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "a", Type: "REST", Routes: []gateway.Route{rest}}}, NewIntegration: b.New, Logger: quiet}); err == nil {
		t.Error("payload 2.0 on a REST API accepted")
	}
	if _, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "a", Routes: []gateway.Route{lambdaRoute("GET", "/", "f", "")}}}, NewIntegration: newBuilder(t).New, Logger: quiet}); err == nil {
		t.Error("lambda_proxy without functions accepted")
	}
}

var quiet = slog.New(slog.DiscardHandler)

func serveHandler(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

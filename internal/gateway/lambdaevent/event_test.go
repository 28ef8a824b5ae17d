package lambdaevent

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/gateway"
)

// testRequest is GET /prod/hello/world?name=me&name=you through a REST
// route /{proxy+} in stage prod.
func testRequest(t testing.TB, target, body string) *gateway.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(body))
	r.Host = "api.example.com:8080"
	r.Header.Add("X-Many", "a")
	r.Header.Add("X-Many", "b")
	r.Header.Set("Cookie", "c1=1; c2=2")
	r.Header.Set("User-Agent", "test/1")
	r.RemoteAddr = "192.0.2.7:5555"
	return &gateway.Request{
		HTTP: r, RequestID: "req-1", Received: time.Date(2020, 3, 4, 19, 15, 17, 0, time.UTC),
		API:   &gateway.API{ID: "abc123"},
		Stage: &gateway.Stage{Name: "prod", Variables: map[string]string{"env": "test"}},
		Route: &gateway.Route{Method: "ANY", Path: "/{proxy+}"}, RoutePath: "/hello/world",
		PathParameters: map[string]string{"proxy": "hello/world"},
		MethodARN:      "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/hello/world",
		Identity:       &gateway.Identity{Kind: gateway.LambdaIdentity, Principal: "user-1", Context: map[string]any{"tenant": "t1", "n": "1"}},
	}
}

func TestProxyV1AsAPIGatewayBuildsIt(t *testing.T) {
	req := testRequest(t, "/prod/hello/world?name=me&name=you", `{"a":1}`)
	ev := ProxyV1(req, []byte(`{"a":1}`), false)
	if ev.Resource != "/{proxy+}" || ev.Path != "/hello/world" || ev.HTTPMethod != "POST" || ev.Body != `{"a":1}` || ev.IsBase64Encoded {
		t.Fatalf("%+v", ev)
	}
	if ev.Headers["X-Many"] != "b" || !reflect.DeepEqual(ev.MultiValueHeaders["X-Many"], []string{"a", "b"}) || ev.Headers["Host"] != "api.example.com:8080" {
		t.Errorf("headers %v %v", ev.Headers, ev.MultiValueHeaders)
	}
	if ev.QueryStringParameters["name"] != "you" || !reflect.DeepEqual(ev.MultiValueQueryStringParameters["name"], []string{"me", "you"}) {
		t.Errorf("query %v %v", ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	}
	c := ev.RequestContext
	if c.AccountID != "000000000000" || c.Stage != "prod" || c.Path != "/prod/hello/world" || c.ResourcePath != "/{proxy+}" ||
		c.RequestID != "req-1" || c.APIID != "abc123" || c.DomainName != "api.example.com" || c.DomainPrefix != "api" ||
		c.RequestTime != "04/Mar/2020:19:15:17 +0000" || c.RequestTimeEpoch != 1583349317000 ||
		c.Identity.SourceIP != "192.0.2.7" || c.Identity.UserAgent != "test/1" {
		t.Errorf("requestContext %+v", c)
	}
	if !reflect.DeepEqual(c.Authorizer, map[string]any{"principalId": "user-1", "tenant": "t1", "n": "1"}) {
		t.Errorf("authorizer %v", c.Authorizer)
	}
	// Absent maps are null, as API Gateway sends them.
	bare := testRequest(t, "/prod/x", "")
	bare.PathParameters, bare.Stage.Variables, bare.Identity = nil, nil, nil
	raw, _ := json.Marshal(ProxyV1(bare, nil, false))
	for _, null := range []string{`"queryStringParameters":null`, `"multiValueQueryStringParameters":null`, `"pathParameters":null`, `"stageVariables":null`, `"authorizer":null`} {
		if !strings.Contains(string(raw), null) {
			t.Errorf("%s not in %s", null, raw)
		}
	}
}

func TestProxyV2AsAPIGatewayBuildsIt(t *testing.T) {
	req := testRequest(t, "/prod/hello/world?name=me&name=you", "\x00\x01")
	req.Route = &gateway.Route{Method: "POST", Path: "/hello/{proxy+}"}
	ev := ProxyV2(req, []byte("\x00\x01"), true)
	if ev.Version != "2.0" || ev.RouteKey != "POST /hello/{proxy+}" || ev.RawPath != "/prod/hello/world" || ev.RawQueryString != "name=me&name=you" {
		t.Fatalf("%+v", ev)
	}
	if ev.Headers["x-many"] != "a,b" || ev.Headers["cookie"] != "" || !reflect.DeepEqual(ev.Cookies, []string{"c1=1", "c2=2"}) || ev.QueryStringParameters["name"] != "me,you" {
		t.Errorf("headers %v cookies %v query %v", ev.Headers, ev.Cookies, ev.QueryStringParameters)
	}
	if b, _ := base64.StdEncoding.DecodeString(ev.Body); !ev.IsBase64Encoded || string(b) != "\x00\x01" {
		t.Errorf("body %q %v", ev.Body, ev.IsBase64Encoded)
	}
	c := ev.RequestContext
	if c.HTTP.Method != "POST" || c.HTTP.Path != "/prod/hello/world" || c.HTTP.SourceIP != "192.0.2.7" || c.Stage != "prod" || c.TimeEpoch != 1583349317000 {
		t.Errorf("requestContext %+v", c)
	}
	if c.Authorizer == nil || !reflect.DeepEqual(c.Authorizer.Lambda, map[string]any{"tenant": "t1", "n": "1"}) {
		t.Errorf("authorizer %+v", c.Authorizer)
	}
	req.Identity = &gateway.Identity{Claims: map[string]any{"sub": "u", "groups": []any{"a", "b"}}, Scopes: []string{"read"}}
	jwt := ProxyV2(req, nil, false).RequestContext.Authorizer.JWT
	if !reflect.DeepEqual(jwt.Claims, map[string]string{"sub": "u", "groups": "a,b"}) || !reflect.DeepEqual(jwt.Scopes, []string{"read"}) {
		t.Errorf("jwt %+v", jwt)
	}
}

func TestAuthorizerEvents(t *testing.T) {
	req := testRequest(t, "/prod/hello/world?tenant=t1", "")
	if ev := TokenEvent(req, "Bearer x"); ev.Type != "TOKEN" || ev.AuthorizationToken != "Bearer x" || ev.MethodArn != req.MethodARN {
		t.Errorf("%+v", ev)
	}
	rest := RequestEvent(req)
	if rest.Type != "REQUEST" || rest.MethodArn != req.MethodARN || rest.QueryStringParameters["tenant"] != "t1" || rest.RequestContext.Identity.SourceIP != "192.0.2.7" || rest.StageVariables["env"] != "test" {
		t.Errorf("%+v", rest)
	}
	v1 := RequestEventV1(req, []string{"a", "b"})
	if v1.Version != "1.0" || v1.IdentitySource != "a,b" || v1.AuthorizationToken != "a,b" || v1.RequestContext.APIID != "abc123" {
		t.Errorf("%+v", v1)
	}
	v2 := RequestEventV2(req, []string{"a", "b"})
	if v2.Version != "2.0" || v2.RouteArn != req.MethodARN || !reflect.DeepEqual(v2.IdentitySource, []string{"a", "b"}) || v2.RequestContext.Authorizer != nil {
		t.Errorf("%+v", v2)
	}
}

// FuzzProxyEvents: any request becomes an event a Go handler decodes, with
// its body intact.
func FuzzProxyEvents(f *testing.F) {
	f.Add("/prod/a?x=1&x=2", "X-A", "v", []byte(`{"a":1}`), "application/json")
	f.Add("/prod/%E2%82%AC?%zz", "Cookie", "a=b;;c", []byte{0xff, 0xfe}, "image/png")
	f.Fuzz(func(t *testing.T, target, header, value string, body []byte, contentType string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return
		}
		req := testRequest(t, "/", "")
		u, err := req.HTTP.URL.Parse(target)
		if err != nil {
			return
		}
		req.HTTP.URL = u
		req.HTTP.Header.Set("Content-Type", contentType)
		if header != "" {
			req.HTTP.Header[header] = []string{value}
		}
		binary := !IsText(contentType)
		raw1, err := json.Marshal(ProxyV1(req, body, binary))
		if err != nil {
			t.Fatal(err)
		}
		var v1 events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw1, &v1); err != nil {
			t.Fatal(err)
		}
		raw2, err := json.Marshal(ProxyV2(req, body, binary))
		if err != nil {
			t.Fatal(err)
		}
		var v2 events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw2, &v2); err != nil {
			t.Fatal(err)
		}
		for _, got := range []struct {
			body string
			b64  bool
		}{{v1.Body, v1.IsBase64Encoded}, {v2.Body, v2.IsBase64Encoded}} {
			decoded := []byte(got.body)
			if got.b64 {
				decoded, err = base64.StdEncoding.DecodeString(got.body)
				if err != nil {
					t.Fatal(err)
				}
			}
			if string(decoded) != string(body) {
				t.Fatalf("body %q became %q", body, decoded)
			}
		}
	})
}

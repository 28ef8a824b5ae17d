package lambdaevent

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// v2Event is a payload 2.0 event with every part filled from the strings
// given, including the authorizer and mTLS parts AppendV2 hands to json.Marshal.
func v2Event(a, b string, n int64, full bool) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "GET " + a, RawPath: a, RawQueryString: b,
		Headers: map[string]string{a: b, "host": "x", b: a},
		RequestContext: events.APIGatewayV2HTTPRequestContext{RouteKey: a, AccountID: b, Stage: "$default", RequestID: a, APIID: b,
			DomainName: a, DomainPrefix: b, Time: a, TimeEpoch: n,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: a, Path: b, Protocol: "HTTP/1.1", SourceIP: a, UserAgent: b}},
		Body: b, IsBase64Encoded: n%2 == 0,
	}
	if full {
		ev.Cookies = []string{a, b}
		ev.QueryStringParameters = map[string]string{b: a}
		ev.PathParameters = map[string]string{"id": a}
		ev.StageVariables = map[string]string{a: a}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": a}, Scopes: []string{b}}}
		ev.RequestContext.Authentication.ClientCert.SubjectDN = b
	}
	return ev
}

func checkAppendV2(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
	t.Helper()
	want, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	got, err := AppendV2(nil, &ev)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("AppendV2 = %s (%v)\njson.Marshal = %s", got, err, want)
	}
}

// AppendV2 writes what json.Marshal writes: escapes, empty and nil parts.
func TestAppendV2IsJSONMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", `"q" \ <b>&amp;`, "\x00\x01\b\f\n\r\t\x1f\x7f", "é ü 日本 🙂", "\u2028\u2029", "bad \xff\xfe utf-8 \xe2\x82"} {
		checkAppendV2(t, v2Event(s, "/items/"+s, 1796223600000, false))
		checkAppendV2(t, v2Event(s, s+"?", -7, true))
	}
	checkAppendV2(t, events.APIGatewayV2HTTPRequest{})
	checkAppendV2(t, events.APIGatewayV2HTTPRequest{Headers: map[string]string{}, Cookies: []string{}, PathParameters: map[string]string{}})
}

func FuzzAppendV2(f *testing.F) {
	f.Add("a", "b", int64(1), true)
	f.Add("<\u2028>", "\xff", int64(0), false)
	f.Fuzz(func(t *testing.T, a, b string, n int64, full bool) { checkAppendV2(t, v2Event(a, b, n, full)) })
}

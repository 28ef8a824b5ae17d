package gateway_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/iam"
)

// policyGateway serves one REST API "office" (id 0ff1ce0000, stage prod)
// with the given resource policy and two open routes.
func policyGateway(t testing.TB, policy string) *gateway.Gateway {
	t.Helper()
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "office", ID: "0ff1ce0000", Type: "REST",
		Stages: []gateway.Stage{{Name: "prod"}}, ResourcePolicy: iam.Document(policy),
		Routes: []gateway.Route{mockRoute("GET", "/reports", "reports"), mockRoute("POST", "/reports", "filed")}}},
		NewIntegration: b.New, Region: "us-east-1", Account: "123456789012", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// callFrom makes a request as if from the peer address ip.
func callFrom(g *gateway.Gateway, ip, method, path string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://gateway"+path, nil)
	r.RemoteAddr = net.JoinHostPort(ip, "40000")
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	return w
}

const officeARN = "arn:aws:execute-api:us-east-1:123456789012:0ff1ce0000/prod/"

func refusal(method, path, suffix string) string {
	return `{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ` + officeARN + method + "/" + path + suffix + `"}`
}

type policyCase struct {
	ip, method, path string
	header           http.Header
	status           int
	body             string
}

func checkPolicyCases(t *testing.T, g *gateway.Gateway, cases []policyCase) {
	t.Helper()
	for _, c := range cases {
		w := callFrom(g, c.ip, c.method, c.path, c.header)
		if w.Code != c.status || w.Body.String() != c.body {
			t.Errorf("%s %s from %s: %d %s\nwant %d %s", c.method, c.path, c.ip, w.Code, w.Body, c.status, c.body)
		}
		if c.status == http.StatusForbidden && w.Header().Get("X-Amzn-ErrorType") != "AccessDeniedException" {
			t.Errorf("%s %s from %s: x-amzn-ErrorType %q", c.method, c.path, c.ip, w.Header().Get("X-Amzn-ErrorType"))
		}
	}
}

func TestResourcePolicyDeniesRange(t *testing.T) {
	g := policyGateway(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke",
		"Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}]}`)
	checkPolicyCases(t, g, []policyCase{
		{ip: "203.0.113.9", method: "GET", path: "/prod/reports", status: 403, body: refusal("GET", "reports", " with an explicit deny")},
		{ip: "2001:db8::1", method: "POST", path: "/prod/reports", status: 403, body: refusal("POST", "reports", " with an explicit deny")},
		// A Deny-only policy leaves everyone else to the authorizer (here none).
		{ip: "198.51.100.1", method: "GET", path: "/prod/reports", status: 200, body: "reports"},
		// X-Forwarded-For is the caller's to write, so it is not the source.
		{ip: "203.0.113.9", method: "GET", path: "/prod/reports", header: http.Header{"X-Forwarded-For": {"198.51.100.1"}},
			status: 403, body: refusal("GET", "reports", " with an explicit deny")},
	})
}

func TestResourcePolicyAllowsOnlyRange(t *testing.T) {
	g := policyGateway(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke",
		"Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	checkPolicyCases(t, g, []policyCase{
		{ip: "10.1.2.3", method: "GET", path: "/prod/reports", status: 200, body: "reports"},
		{ip: "11.1.2.3", method: "GET", path: "/prod/reports", status: 403, body: refusal("GET", "reports", "")},
		{ip: "11.1.2.3", method: "GET", path: "/prod/reports", header: http.Header{"X-Forwarded-For": {"10.1.2.3"}},
			status: 403, body: refusal("GET", "reports", "")},
	})
}

func TestResourcePolicyExplicitDenyWins(t *testing.T) {
	g := policyGateway(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
		 "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	checkPolicyCases(t, g, []policyCase{
		{ip: "10.1.2.3", method: "GET", path: "/prod/reports", status: 200, body: "reports"},
		{ip: "192.0.2.1", method: "GET", path: "/prod/reports", status: 403, body: refusal("GET", "reports", " with an explicit deny")},
	})
}

// The shorthand names stage, verb and path; full ARNs work the same, and a
// resource of another API matches nothing here.
func TestResourcePolicyShorthandAndARNs(t *testing.T) {
	g := policyGateway(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":["execute-api:/prod/GET/reports"]},
		{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:*","Resource":"arn:aws:execute-api:us-east-1:123456789012:0ff1ce0000/prod/POST/*",
		 "Condition":{"StringEquals":{"aws:UserAgent":"clerk/1.0"},"Bool":{"aws:SecureTransport":"false"}}},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","NotResource":"execute-api:/prod/*"},
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:other00000/*"}]}`)
	checkPolicyCases(t, g, []policyCase{
		{ip: "192.0.2.1", method: "GET", path: "/prod/reports", status: 200, body: "reports"},
		{ip: "192.0.2.1", method: "POST", path: "/prod/reports", header: http.Header{"User-Agent": {"clerk/1.0"}}, status: 200, body: "filed"},
		{ip: "192.0.2.1", method: "POST", path: "/prod/reports", header: http.Header{"User-Agent": {"curl/8"}}, status: 403, body: refusal("POST", "reports", "")},
	})
}

func TestResourcePolicyTimeWindow(t *testing.T) {
	g := policyGateway(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/*",
		 "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"NumericLessThan":{"aws:EpochTime":"4102444800"}}},
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/POST/*",
		 "Condition":{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}`)
	checkPolicyCases(t, g, []policyCase{
		{ip: "192.0.2.1", method: "GET", path: "/prod/reports", status: 200, body: "reports"},
		{ip: "192.0.2.1", method: "POST", path: "/prod/reports", status: 403, body: refusal("POST", "reports", "")},
	})
}

func TestResourcePolicyRejectedAtLoad(t *testing.T) {
	for _, c := range []struct{ apiType, policy, want string }{
		{"REST", `{"Statement":[`, "Syntax errors in policy"},
		{"REST", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`, "must have a Principal"},
		{"REST", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api/*"}]}`, "ARN format"},
		{"REST", `{"Statement":[]}`, "no statements"},
		{"REST", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, "Condition"},
		{"HTTP", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`, "REST API feature"},
	} {
		_, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "office", Type: c.apiType, ResourcePolicy: iam.Document(c.policy),
			Routes: []gateway.Route{mockRoute("GET", "/reports", "reports")}}}, NewIntegration: integration.NewBuilder().New})
		if err == nil || !strings.Contains(err.Error(), `api "office": resourcePolicy: `) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: err = %v, want one naming the API and %q", c.apiType, c.policy, err, c.want)
		}
	}
}

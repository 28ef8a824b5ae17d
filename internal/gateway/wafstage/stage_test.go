package wafstage

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/moat-dev/moat/internal/waf/waftest"
)

// fixture is a gateway with the WAF first, serving one REST API whose
// stages prod (protected) and dev are proxied to a backend that echoes what it received.
type fixture struct {
	t        *testing.T
	firewall *waf.Service
	gateway  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	firewall, _ := waftest.NewService(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = json.NewEncoder(w).Encode(map[string]string{"body": string(body), "inserted": r.Header.Get("X-Amzn-Waf-Seen")})
	}))
	t.Cleanup(backend.Close)
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{NewIntegration: b.New, Region: "us-east-1",
		Pipeline: append([]gateway.PipelineStage{New(firewall, "us-east-1")}, gateway.DefaultPipeline()...),
		APIs: []gateway.API{{Name: "api", ID: "api0000001", Type: "REST", Stages: []gateway.Stage{{Name: "prod"}, {Name: "dev"}},
			Routes: []gateway.Route{{Method: "ANY", Path: "/{proxy+}", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend.URL}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return &fixture{t: t, firewall: firewall, gateway: srv.URL}
}

func (f *fixture) protect(rules string, sets ...waf.IPSet) {
	f.t.Helper()
	ctx := context.Background()
	for _, s := range sets {
		sum, err := f.firewall.CreateIPSet(ctx, s, nil)
		if err != nil {
			f.t.Fatal(err)
		}
		rules = strings.ReplaceAll(rules, "$"+s.Name, sum.ARN)
	}
	var acl waf.WebACL
	doc := `{"Name":"stage-acl","DefaultAction":{"Allow":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"stage-acl"},
		"CustomResponseBodies":{"slow":{"ContentType":"TEXT_PLAIN","Content":"slow down"}},"Rules":[` + rules + `]}`
	if err := json.Unmarshal([]byte(doc), &acl); err != nil {
		f.t.Fatal(err)
	}
	sum, err := f.firewall.CreateWebACL(ctx, acl, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.firewall.AssociateWebACL(ctx, sum.ARN, waf.StageARN("us-east-1", "api0000001", "prod")); err != nil {
		f.t.Fatal(err)
	}
}

// send makes a request from the loopback address from.
func (f *fixture) send(from, method, path, body string) (int, http.Header, string) {
	f.t.Helper()
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}).DialContext}}
	req, _ := http.NewRequest(method, f.gateway+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(data)
}

func vis(name string) string {
	return `"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"` + name + `"}`
}

func TestStageBlocksAsAPIGatewayDoes(t *testing.T) {
	f := newFixture(t)
	f.protect(`{"Name":"deny","Priority":0,"Statement":{"IPSetReferenceStatement":{"ARN":"$deny"}},"Action":{"Block":{}},`+vis("deny")+`},
		{"Name":"tag","Priority":1,"Statement":{"ByteMatchStatement":{"SearchString":"L3Byb2Qv","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"STARTS_WITH"}},
			"Action":{"Count":{"CustomRequestHandling":{"InsertHeaders":[{"Name":"seen","Value":"yes"}]}}},`+vis("tag")+`},
		{"Name":"teapot","Priority":2,"Statement":{"ByteMatchStatement":{"SearchString":"L3Byb2QvdGVh","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"STARTS_WITH"}},
			"Action":{"Block":{"CustomResponse":{"ResponseCode":429,"CustomResponseBodyKey":"slow","ResponseHeaders":[{"Name":"Retry-After","Value":"30"}]}}},`+vis("teapot")+`},
		{"Name":"sqli","Priority":3,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"}},"OverrideAction":{"None":{}},`+vis("sqli")+`}`,
		waf.IPSet{Name: "deny", IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32"}})

	status, headers, body := f.send("127.0.0.2", "GET", "/prod/items", "")
	if status != 403 || body != `{"message":"Forbidden"}` || headers.Get("X-Amzn-Errortype") != "ForbiddenException" {
		t.Fatalf("denied address: %d %v %s", status, headers, body)
	}
	status, _, body = f.send("127.0.0.3", "POST", "/prod/items", "name=ada&note=hello")
	var echoed map[string]string
	if status != 200 || json.Unmarshal([]byte(body), &echoed) != nil || echoed["body"] != "name=ada&note=hello" || echoed["inserted"] != "yes" {
		t.Fatalf("another address: %d %s: the backend must get the whole body and the inserted header", status, body)
	}
	if status, headers, body := f.send("127.0.0.3", "GET", "/prod/tea", ""); status != 429 || body != "slow down" || headers.Get("Retry-After") != "30" || headers.Get("Content-Type") != "text/plain" {
		t.Fatalf("custom response: %d %v %q", status, headers, body)
	}
	if status, _, body := f.send("127.0.0.3", "GET", "/prod/items?id=1'%20OR%20'1'='1", ""); status != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("SQL injection in the query: %d %s", status, body)
	}
	if status, _, body := f.send("127.0.0.3", "POST", "/prod/items", "id=1' OR '1'='1"); status != 403 {
		t.Fatalf("SQL injection in the body: %d %s", status, body)
	}
	if status, _, body := f.send("127.0.0.2", "GET", "/dev/items", ""); status != 200 {
		t.Fatalf("a stage without a web ACL: %d %s", status, body)
	}
}

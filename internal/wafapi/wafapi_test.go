package wafapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/moat-dev/moat/internal/waf/waftest"
)

type server struct {
	t   *testing.T
	url string
	svc *waf.Service
}

func newServer(t *testing.T) *server {
	t.Helper()
	svc, _ := waftest.NewService(t)
	auth := awsapitest.AdminAuthenticator("us-east-1")
	return &server{t: t, url: awsapitest.Serve(t, awsapitest.QuietFrame().JSON(Service(svc), auth)), svc: svc}
}

// call sends one WAFv2 operation signed as wafv2 and decodes the answer.
func (s *server) call(op string, body any, creds aws.Credentials) (int, map[string]any) {
	s.t.Helper()
	a := awsapitest.CallJSON(s.t, s.url, TargetPrefix, op, body, creds, SigningName)
	return a.Status, a.Object(s.t)
}

func (s *server) ok(op string, body any) map[string]any {
	s.t.Helper()
	status, out := s.call(op, body, awsapitest.Admin)
	if status != 200 {
		s.t.Fatalf("%s: %d %v", op, status, out)
	}
	return out
}

func (s *server) fails(op string, body any, status int, code string) map[string]any {
	s.t.Helper()
	got, out := s.call(op, body, awsapitest.Admin)
	if got != status || out["__type"] != code {
		s.t.Fatalf("%s: %d %v, want %d %s", op, got, out, status, code)
	}
	return out
}

func TestIPSetOperations(t *testing.T) {
	s := newServer(t)
	sum := s.ok("CreateIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "IPAddressVersion": "IPV4", "Addresses": []string{"127.0.0.2/32"}, "Tags": []map[string]string{{"Key": "k", "Value": "v"}}})["Summary"].(map[string]any)
	id, token := sum["Id"].(string), sum["LockToken"].(string)
	got := s.ok("GetIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": id})
	if got["LockToken"] != token || got["IPSet"].(map[string]any)["Addresses"].([]any)[0] != "127.0.0.2/32" {
		t.Fatalf("GetIPSet = %v", got)
	}
	next := s.ok("UpdateIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": id, "LockToken": token, "Addresses": []string{"127.0.0.3/32"}})["NextLockToken"].(string)
	stale := s.fails("UpdateIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": id, "LockToken": token, "Addresses": []string{}}, 400, "WAFOptimisticLockException")
	if !strings.Contains(stale["message"].(string), "changed since you last retrieved it") {
		t.Errorf("stale message %v", stale)
	}
	s.fails("CreateIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "IPAddressVersion": "IPV4", "Addresses": []string{}}, 400, "WAFDuplicateItemException")
	bad := s.fails("CreateIPSet", map[string]any{"Name": "x", "Scope": "CLOUDFRONT", "IPAddressVersion": "IPV4", "Addresses": []string{}}, 400, "WAFInvalidParameterException")
	if bad["Field"] != "SCOPE_VALUE" || bad["Parameter"] != "CLOUDFRONT" {
		t.Errorf("CLOUDFRONT refusal %v", bad)
	}
	s.fails("GetIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": "3f9e1a62-0000-4000-8000-000000000000"}, 400, "WAFNonexistentItemException")
	list := s.ok("ListIPSets", map[string]any{"Scope": "REGIONAL"})
	if sets := list["IPSets"].([]any); len(sets) != 1 || sets[0].(map[string]any)["LockToken"] != next {
		t.Fatalf("ListIPSets = %v", list)
	}
	if status, out := s.call("ListIPSets", map[string]any{"Scope": "REGIONAL"}, awsapitest.Stranger); status < 400 || out["__type"] == nil {
		t.Fatalf("a call signed with other credentials: %d %v", status, out)
	}
	tags := s.ok("ListTagsForResource", map[string]any{"ResourceARN": sum["ARN"]})["TagInfoForResource"].(map[string]any)
	if list := tags["TagList"].([]any); len(list) != 1 || list[0].(map[string]any)["Key"] != "k" {
		t.Fatalf("ListTagsForResource = %v", tags)
	}
	s.ok("DeleteIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": id, "LockToken": next})
}

func TestWebACLOperationsAndSamples(t *testing.T) {
	s := newServer(t)
	set := s.ok("CreateIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "IPAddressVersion": "IPV4", "Addresses": []string{"127.0.0.2/32"}})["Summary"].(map[string]any)
	vis := map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "front"}
	acl := map[string]any{"Name": "front", "Scope": "REGIONAL", "DefaultAction": map[string]any{"Allow": map[string]any{}}, "VisibilityConfig": vis,
		"Rules": []any{map[string]any{"Name": "deny", "Priority": 0, "Action": map[string]any{"Block": map[string]any{}},
			"Statement":        map[string]any{"IPSetReferenceStatement": map[string]any{"ARN": set["ARN"]}},
			"VisibilityConfig": map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "deny"}}}}
	sum := s.ok("CreateWebACL", acl)["Summary"].(map[string]any)
	got := s.ok("GetWebACL", map[string]any{"ARN": sum["ARN"]})
	web := got["WebACL"].(map[string]any)
	if web["Id"] != sum["Id"] || web["LabelNamespace"] != "awswaf:000000000000:webacl:front:" || got["LockToken"] != sum["LockToken"] {
		t.Fatalf("GetWebACL = %v", got)
	}
	s.fails("DeleteIPSet", map[string]any{"Name": "deny", "Scope": "REGIONAL", "Id": set["Id"], "LockToken": set["LockToken"]}, 400, "WAFAssociatedItemException")

	captcha := map[string]any{}
	for k, v := range acl {
		captcha[k] = v
	}
	captcha["Name"], captcha["CaptchaConfig"] = "other", map[string]any{}
	if out := s.fails("CreateWebACL", captcha, 400, "WAFInvalidParameterException"); out["Parameter"] != "CaptchaConfig" {
		t.Errorf("CaptchaConfig refusal %v", out)
	}
	captcha["CaptchaConfig"] = nil
	captcha["Rules"] = []any{map[string]any{"Name": "r", "Priority": 0, "Action": map[string]any{"Captcha": map[string]any{}},
		"Statement":        map[string]any{"IPSetReferenceStatement": map[string]any{"ARN": set["ARN"]}},
		"VisibilityConfig": vis}}
	if out := s.fails("CreateWebACL", captcha, 400, "WAFInvalidParameterException"); out["Field"] != "RULE_ACTION" {
		t.Errorf("Captcha action refusal %v", out)
	}
	captcha["Rules"] = []any{map[string]any{"Name": "r", "Priority": 0, "OverrideAction": map[string]any{"None": map[string]any{}},
		"Statement":        map[string]any{"ManagedRuleGroupStatement": map[string]any{"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}},
		"VisibilityConfig": vis}}
	s.fails("CreateWebACL", captcha, 400, "WAFUnavailableEntityException")

	stage := waf.StageARN("us-east-1", "api1", "prod")
	s.ok("AssociateWebACL", map[string]any{"WebACLArn": sum["ARN"], "ResourceArn": stage})
	if out := s.ok("GetWebACLForResource", map[string]any{"ResourceArn": stage}); out["WebACL"].(map[string]any)["ARN"] != sum["ARN"] {
		t.Fatalf("GetWebACLForResource = %v", out)
	}
	if out := s.ok("GetWebACLForResource", map[string]any{"ResourceArn": waf.StageARN("us-east-1", "api1", "dev")}); out["WebACL"] != nil {
		t.Fatalf("an unprotected stage has %v", out)
	}
	if out := s.ok("ListResourcesForWebACL", map[string]any{"WebACLArn": sum["ARN"], "ResourceType": "API_GATEWAY"}); len(out["ResourceArns"].([]any)) != 1 {
		t.Fatalf("ListResourcesForWebACL = %v", out)
	}

	// A request judged by the compiled ACL shows in GetSampledRequests.
	stored, _, err := s.svc.GetWebACLByARN(context.Background(), sum["ARN"].(string))
	if err != nil {
		t.Fatal(err)
	}
	sets := waf.Sets{IPSets: map[string]waf.IPSet{}}
	ipSet, _, _ := s.svc.GetIPSet(context.Background(), "deny", set["Id"].(string))
	sets.IPSets[ipSet.ARN] = ipSet
	compiled, err := s.svc.Engine().Compile(stored, sets)
	if err != nil {
		t.Fatal(err)
	}
	d := compiled.Evaluate(context.Background(), &waf.Request{Method: "GET", Path: "/x", Header: http.Header{"Authorization": {"secret"}}, ClientIP: netip.MustParseAddr("127.0.0.2")})
	if !d.Blocked() {
		t.Fatalf("decision %+v", d)
	}
	now := float64(time.Now().Unix())
	out := s.ok("GetSampledRequests", map[string]any{"WebAclArn": sum["ARN"], "RuleMetricName": "deny", "Scope": "REGIONAL", "MaxItems": 10,
		"TimeWindow": map[string]any{"StartTime": now - 60, "EndTime": now + 60}})
	samples := out["SampledRequests"].([]any)
	if len(samples) != 1 || out["PopulationSize"].(float64) != 1 {
		t.Fatalf("GetSampledRequests = %v", out)
	}
	sample := samples[0].(map[string]any)
	req := sample["Request"].(map[string]any)
	if sample["Action"] != "BLOCK" || req["ClientIP"] != "127.0.0.2" || strings.Contains(toJSON(req), "secret") {
		t.Fatalf("sample %v", sample)
	}
}

func TestManagedRuleGroupDiscovery(t *testing.T) {
	s := newServer(t)
	groups := s.ok("ListAvailableManagedRuleGroups", map[string]any{"Scope": "REGIONAL"})["ManagedRuleGroups"].([]any)
	if len(groups) != 3 {
		t.Fatalf("groups %v", groups)
	}
	d := s.ok("DescribeManagedRuleGroup", map[string]any{"VendorName": "AWS", "Name": "AWSManagedRulesSQLiRuleSet", "Scope": "REGIONAL"})
	if d["Capacity"].(float64) != 200 || len(d["Rules"].([]any)) != 6 || d["LabelNamespace"] != "awswaf:managed:aws:sql-database:" {
		t.Fatalf("DescribeManagedRuleGroup = %v", d)
	}
	versions := s.ok("ListAvailableManagedRuleGroupVersions", map[string]any{"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet", "Scope": "REGIONAL"})
	if versions["CurrentDefaultVersion"] != "CRS_4.25.0_PL1" || len(versions["Versions"].([]any)) != 4 {
		t.Fatalf("versions %v", versions)
	}
	s.fails("DescribeManagedRuleGroup", map[string]any{"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList", "Scope": "REGIONAL"}, 400, "WAFUnavailableEntityException")
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

package waf

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

func newTestService(t *testing.T) *Service {
	t.Helper()
	st := sqlstoretest.Open(t)
	return NewService(ServiceConfig{Store: st, Engine: newTestEngine(t, Config{}), Region: "us-east-1", Account: "000000000000"})
}

func TestServiceIPSetLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	sum, err := s.CreateIPSet(ctx, IPSet{Name: "deny", Description: "blocked callers", IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32"}}, []Tag{{Key: "team", Value: "core"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.ARN != "arn:aws:wafv2:us-east-1:000000000000:regional/ipset/deny/"+sum.ID || sum.LockToken == "" {
		t.Fatalf("summary %+v", sum)
	}
	if _, err := s.CreateIPSet(ctx, IPSet{Name: "deny", IPAddressVersion: "IPV4"}, nil); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate name: %v", err)
	}
	var invalidErr *InvalidParameterError
	if _, err := s.CreateIPSet(ctx, IPSet{Name: "bad", IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2"}}, nil); !errors.As(err, &invalidErr) || invalidErr.Field != "IP_ADDRESS" {
		t.Fatalf("bare address: %v", err)
	}
	set, token, err := s.GetIPSet(ctx, "deny", sum.ID)
	if err != nil || token != sum.LockToken || len(set.Addresses) != 1 {
		t.Fatalf("GetIPSet = %+v, %q, %v", set, token, err)
	}
	if _, _, err := s.GetIPSet(ctx, "other-name", sum.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetIPSet with the wrong name: %v", err)
	}
	next, err := s.UpdateIPSet(ctx, "deny", sum.ID, token, "now two", []string{"127.0.0.2/32", "127.0.0.3/32"})
	if err != nil || next == token {
		t.Fatalf("UpdateIPSet = %q, %v", next, err)
	}
	if _, err := s.UpdateIPSet(ctx, "deny", sum.ID, token, "", nil); !errors.Is(err, ErrStale) {
		t.Fatalf("stale token: %v", err)
	}
	if _, err := s.UpdateIPSet(ctx, "deny", sum.ID, next, "", []string{"2001:db8::/32"}); !errors.As(err, &invalidErr) {
		t.Fatalf("an IPv6 address in an IPv4 set: %v", err)
	}
	if err := s.DeleteIPSet(ctx, "deny", sum.ID, token); !errors.Is(err, ErrStale) {
		t.Fatalf("delete with a stale token: %v", err)
	}
	if err := s.DeleteIPSet(ctx, "deny", sum.ID, next); err != nil {
		t.Fatal(err)
	}
}

func TestServiceListsPage(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	for i := range 5 {
		if _, err := s.CreateRegexPatternSet(ctx, RegexPatternSet{Name: fmt.Sprintf("set-%d", i), RegularExpressionList: []Regex{{RegexString: "^/x"}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	marker := ""
	for pages := 0; ; pages++ {
		page, next, err := s.ListRegexPatternSets(ctx, marker, 2)
		if err != nil || pages > 5 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, p := range page {
			names = append(names, p.Name)
		}
		if next == "" {
			break
		}
		marker = next
	}
	if fmt.Sprint(names) != "[set-0 set-1 set-2 set-3 set-4]" {
		t.Fatalf("paged names %v", names)
	}
	if _, _, err := s.ListRegexPatternSets(ctx, "", 101); err == nil {
		t.Fatal("Limit 101 accepted")
	}
}

func TestServiceWebACLsCheckWhatTheyReference(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	set, err := s.CreateIPSet(ctx, IPSet{Name: "deny", IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	acl := decodeACL(t, aclWithRules(blockRule("deny", 0, `{"IPSetReferenceStatement":{"ARN":"`+set.ARN+`"}}`)))
	sum, err := s.CreateWebACL(ctx, acl, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, token, err := s.GetWebACL(ctx, acl.Name, sum.ID)
	if err != nil || got.ARN != sum.ARN || got.LabelNamespace != "awswaf:000000000000:webacl:test-acl:" || got.Capacity != 1 || token != sum.LockToken {
		t.Fatalf("GetWebACL = %+v, %q, %v", got, token, err)
	}
	if err := s.DeleteIPSet(ctx, "deny", set.ID, set.LockToken); !errors.Is(err, ErrInUse) {
		t.Fatalf("deleting a referenced set: %v", err)
	}
	missing := decodeACL(t, aclWithRules(blockRule("deny", 0, `{"IPSetReferenceStatement":{"ARN":"arn:aws:wafv2:us-east-1:000000000000:regional/ipset/none/00000000-0000-4000-8000-000000000000"}}`)))
	missing.Name = "other"
	var nonexistent *NonexistentError
	if _, err := s.CreateWebACL(ctx, missing, nil); !errors.As(err, &nonexistent) {
		t.Fatalf("a web ACL naming a missing set: %v", err)
	}
	bad := decodeACL(t, aclWithRules(blockRule("x", 0, `{"GeoMatchStatement":{"CountryCodes":["DE"]}}`)))
	bad.Name = "bad"
	if _, err := s.CreateWebACL(ctx, bad, nil); err == nil {
		t.Fatal("a web ACL that does not compile was stored")
	}
	if list, _, _ := s.ListWebACLs(ctx, "", 0); len(list) != 1 {
		t.Fatalf("refused web ACLs were stored: %+v", list)
	}
	next, err := s.UpdateWebACL(ctx, acl.Name, sum.ID, token, decodeACL(t, aclWithRules("")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateWebACL(ctx, acl.Name, sum.ID, token, decodeACL(t, aclWithRules(""))); !errors.Is(err, ErrStale) {
		t.Fatalf("stale UpdateWebACL: %v", err)
	}
	if err := s.DeleteIPSet(ctx, "deny", set.ID, set.LockToken); err != nil {
		t.Fatalf("the set is no longer referenced: %v", err)
	}
	if err := s.DeleteWebACL(ctx, acl.Name, sum.ID, next); err != nil {
		t.Fatal(err)
	}
}

func TestServiceAssociations(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	sum, err := s.CreateWebACL(ctx, decodeACL(t, aclWithRules("")), nil)
	if err != nil {
		t.Fatal(err)
	}
	stage := StageARN("us-east-1", "abc123", "prod")
	pool := UserPoolARN("us-east-1", "000000000000", "us-east-1_Abc123")
	for _, arn := range []string{stage, pool, "arn:aws:apigateway:us-east-1::/apis/h77p/stages/$default"} {
		if err := s.AssociateWebACL(ctx, sum.ARN, arn); err != nil {
			t.Fatalf("associate %s: %v", arn, err)
		}
	}
	var invalidErr *InvalidParameterError
	for _, arn := range []string{"arn:aws:apigateway:eu-west-1::/restapis/abc/stages/prod", "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/y", "nonsense"} {
		if err := s.AssociateWebACL(ctx, sum.ARN, arn); !errors.As(err, &invalidErr) || invalidErr.Field != "RESOURCE_ARN" {
			t.Errorf("associate %s: %v, want RESOURCE_ARN refused", arn, err)
		}
	}
	if acl, ok, err := s.WebACLForResource(ctx, stage); err != nil || !ok || acl.ID != sum.ID {
		t.Fatalf("WebACLForResource = %+v %v %v", acl, ok, err)
	}
	for typ, want := range map[string]int{"API_GATEWAY": 2, "COGNITO_USER_POOL": 1, "": 0} {
		if arns, err := s.ResourcesForWebACL(ctx, sum.ARN, typ); err != nil || len(arns) != want {
			t.Errorf("ResourcesForWebACL %q = %v %v, want %d", typ, arns, err, want)
		}
	}
	if err := s.DeleteWebACL(ctx, "test-acl", sum.ID, sum.LockToken); !errors.Is(err, ErrInUse) {
		t.Fatalf("deleting an associated web ACL: %v", err)
	}
	if err := s.DisassociateWebACL(ctx, stage); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.WebACLForResource(ctx, stage); ok {
		t.Fatal("still protected after disassociation")
	}

	teapot := decodeACL(t, aclWithRules(`{"Name":"t","Priority":0,"Statement":`+byteMatchDoc("/", `{"UriPath":{}}`, "STARTS_WITH")+`,"Action":{"Block":{"CustomResponse":{"ResponseCode":503}}},`+vis("t")+`}`))
	teapot.Name = "teapot"
	tsum, err := s.CreateWebACL(ctx, teapot, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AssociateWebACL(ctx, tsum.ARN, pool); !errors.As(err, &invalidErr) || invalidErr.Field != "CUSTOM_RESPONSE" {
		t.Fatalf("a 503 custom response on a user pool: %v", err)
	}
	if err := s.AssociateWebACL(ctx, tsum.ARN, stage); err != nil {
		t.Fatalf("the same ACL on a stage: %v", err)
	}
}

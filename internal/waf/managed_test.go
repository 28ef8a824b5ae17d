package waf

import (
	"testing"
)

func sqliACL(override string, extra string) string {
	return aclWithRules(`{"Name":"sqli","Priority":1,
		"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"` + extra + `}},
		"OverrideAction":` + override + `,` + vis("sqli") + `}`)
}

func TestSQLiGroupBlocksInjectionAndPassesCleanRequests(t *testing.T) {
	e := newTestEngine(t, Config{})
	acl := mustCompile(t, e, sqliACL(`{"None":{}}`, ""), Sets{})
	d := decide(t, acl, get("192.0.2.1", "/items?id=1'%20OR%20'1'='1"))
	if !d.Blocked() || d.TerminatingRule != "sqli" {
		t.Fatalf("injection: %+v, want blocked by sqli", d)
	}
	if !contains(d.Labels, "awswaf:managed:aws:sql-database:SQLi_QueryArguments") {
		t.Errorf("labels %v lack SQLi_QueryArguments", d.Labels)
	}
	clean := decide(t, acl, get("192.0.2.1", "/items?id=42&sort=asc"))
	if clean.Blocked() || len(clean.Labels) != 0 {
		t.Fatalf("clean request: %+v, want allowed without labels", clean)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

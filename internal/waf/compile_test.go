package waf

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestCompileRefusesWhatWAFv2OrMoatCannotHonour(t *testing.T) {
	e := newTestEngine(t, Config{})
	uriNone := `"FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]`
	cases := []struct {
		name, doc, field, reason string
	}{
		{"bad ACL name", strings.Replace(aclWithRules(""), `"Name":"test-acl"`, `"Name":"bad name"`, 1), "WEB_ACL", "Name"},
		{"no default action", strings.Replace(aclWithRules(""), `"DefaultAction":{"Allow":{}},`, ``, 1), "DEFAULT_ACTION", "exactly one"},
		{"duplicate priority", aclWithRules(blockRule("a", 1, byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS")) + "," + blockRule("b", 1, byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS"))), "RULE", "priorities must be unique"},
		{"duplicate name", aclWithRules(blockRule("a", 1, byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS")) + "," + blockRule("a", 2, byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS"))), "RULE", "names must be unique"},
		{"two statements", aclWithRules(blockRule("a", 0, `{"ByteMatchStatement":{"SearchString":"eA==",`+uriNone+`,"PositionalConstraint":"CONTAINS"},"RegexMatchStatement":{"RegexString":"x",`+uriNone+`}}`)), "STATEMENT", "exactly one"},
		{"no statement type", aclWithRules(blockRule("a", 0, `{}`)), "STATEMENT", "exactly one"},
		{"two fields", aclWithRules(blockRule("a", 0, `{"ByteMatchStatement":{"SearchString":"eA==","FieldToMatch":{"UriPath":{},"QueryString":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"CONTAINS"}}`)), "FIELD_TO_MATCH", "exactly one"},
		{"JsonBody", aclWithRules(blockRule("a", 0, `{"ByteMatchStatement":{"SearchString":"eA==","FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"ALL"}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"CONTAINS"}}`)), "FIELD_TO_MATCH", "JsonBody"},
		{"no transformations", aclWithRules(blockRule("a", 0, `{"ByteMatchStatement":{"SearchString":"eA==","FieldToMatch":{"UriPath":{}},"TextTransformations":[],"PositionalConstraint":"CONTAINS"}}`)), "TEXT_TRANSFORMATION", "at least one"},
		{"unknown transformation", aclWithRules(blockRule("a", 0, byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS", "ROT13"))), "TEXT_TRANSFORMATION", "unknown"},
		{"duplicate transformation priority", aclWithRules(blockRule("a", 0, `{"ByteMatchStatement":{"SearchString":"eA==","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":1,"Type":"NONE"},{"Priority":1,"Type":"LOWERCASE"}],"PositionalConstraint":"CONTAINS"}}`)), "TEXT_TRANSFORMATION", "unique"},
		{"bad positional constraint", aclWithRules(blockRule("a", 0, byteMatchDoc("x", `{"UriPath":{}}`, "SOMEWHERE"))), "BYTE_MATCH_STATEMENT", "PositionalConstraint"},
		{"CONTAINS_WORD with punctuation", aclWithRules(blockRule("a", 0, byteMatchDoc("a-b", `{"UriPath":{}}`, "CONTAINS_WORD"))), "BYTE_MATCH_STATEMENT", "CONTAINS_WORD"},
		{"search string too long", aclWithRules(blockRule("a", 0, byteMatchDoc(strings.Repeat("x", 201), `{"UriPath":{}}`, "CONTAINS"))), "BYTE_MATCH_STATEMENT", "SearchString"},
		{"bad regex", aclWithRules(blockRule("a", 0, `{"RegexMatchStatement":{"RegexString":"(",`+uriNone+`}}`)), "REGEX_PATTERN_SET", "does not compile"},
		{"captcha action", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Captcha":{}},` + vis("a") + `}`), "RULE_ACTION", "CAPTCHA"},
		{"challenge action", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Challenge":{}},` + vis("a") + `}`), "RULE_ACTION", "CAPTCHA"},
		{"override action on a plain rule", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"OverrideAction":{"None":{}},` + vis("a") + `}`), "OVERRIDE_ACTION", "OverrideAction"},
		{"custom body key missing", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Block":{"CustomResponse":{"ResponseCode":403,"CustomResponseBodyKey":"nope"}}},` + vis("a") + `}`), "CUSTOM_RESPONSE", "CustomResponseBodyKey"},
		{"custom response code", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Block":{"CustomResponse":{"ResponseCode":100}}},` + vis("a") + `}`), "CUSTOM_RESPONSE", "200 to 599"},
		{"metric name", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Block":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"has space"}}`), "METRIC_NAME", "MetricName"},
		{"rate limit too low", rateACL(`{"Limit":9,"AggregateKeyType":"IP"}`), "RATE_BASED_STATEMENT", "Limit"},
		{"rate window", rateACL(`{"Limit":100,"EvaluationWindowSec":30,"AggregateKeyType":"IP"}`), "RATE_BASED_STATEMENT", "EvaluationWindowSec"},
		{"constant without scope-down", rateACL(`{"Limit":100,"AggregateKeyType":"CONSTANT"}`), "SCOPE_DOWN", "ScopeDownStatement"},
		{"forwarded without config", rateACL(`{"Limit":100,"AggregateKeyType":"FORWARDED_IP"}`), "FORWARDED_IP_CONFIG", "ForwardedIPConfig"},
		{"custom keys empty", rateACL(`{"Limit":100,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[]}`), "CUSTOM_KEYS", "1 to 5"},
		{"nested rate statement", aclWithRules(blockRule("a", 0, `{"NotStatement":{"Statement":{"RateBasedStatement":{"Limit":100,"AggregateKeyType":"IP"}}}}`)), "RATE_BASED_STATEMENT", "top-level"},
		{"and of one", aclWithRules(blockRule("a", 0, `{"AndStatement":{"Statements":[`+byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS")+`]}}`)), "AND_STATEMENT", "at least two"},
		{"sqli statement", aclWithRules(blockRule("a", 0, `{"SqliMatchStatement":{}}`)), "SQLI_MATCH_STATEMENT", "AWSManagedRulesSQLiRuleSet"},
		{"geo without database", aclWithRules(blockRule("a", 0, `{"GeoMatchStatement":{"CountryCodes":["DE"]}}`)), "GEO_MATCH_STATEMENT", "--waf-geoip-db"},
		{"label key syntax", aclWithRules(blockRule("a", 0, `{"LabelMatchStatement":{"Scope":"LABEL","Key":"bad key"}}`)), "LABEL_MATCH_STATEMENT", "Key"},
		{"rule label components", aclWithRules(`{"Name":"a","Priority":0,"Statement":` + byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS") + `,"Action":{"Count":{}},"RuleLabels":[{"Name":"a:b:c:d:e:f"}],` + vis("a") + `}`), "RULE", "5 components"},
		{"body inspection limit", strings.Replace(aclWithRules(""), `"Rules":[`, `"AssociationConfig":{"RequestBody":{"API_GATEWAY":{"DefaultSizeInspectionLimit":"KB_128"}}},"Rules":[`, 1), "ASSOCIATED_RESOURCE_TYPE", "KB_64"},
		{"deep nesting", aclWithRules(blockRule("a", 0, strings.Repeat(`{"NotStatement":{"Statement":`, 30)+byteMatchDoc("x", `{"UriPath":{}}`, "CONTAINS")+strings.Repeat(`}}`, 30))), "STATEMENT", "nest at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Compile(decodeACL(t, c.doc), Sets{})
			var ip *InvalidParameterError
			if !errors.As(err, &ip) {
				t.Fatalf("got %v, want an InvalidParameterError", err)
			}
			if ip.Field != c.field || !strings.Contains(ip.Reason, c.reason) {
				t.Fatalf("got field %s reason %q, want %s mentioning %q", ip.Field, ip.Reason, c.field, c.reason)
			}
		})
	}
}

func TestCompileNamesMissingSets(t *testing.T) {
	e := newTestEngine(t, Config{})
	_, err := e.Compile(decodeACL(t, aclWithRules(blockRule("a", 0, `{"IPSetReferenceStatement":{"ARN":"arn:aws:wafv2:us-east-1:0:regional/ipset/x/y"}}`))), Sets{})
	var missing *NonexistentError
	if !errors.As(err, &missing) || missing.ARN != "arn:aws:wafv2:us-east-1:0:regional/ipset/x/y" {
		t.Fatalf("got %v, want NonexistentError naming the ARN", err)
	}
}

func TestReferencesListsEverySetOnce(t *testing.T) {
	const rx = "arn:rx"
	acl := decodeACL(t, aclWithRules(
		blockRule("a", 0, `{"IPSetReferenceStatement":{"ARN":"`+blockedSetARN+`"}}`)+","+
			blockRule("b", 1, `{"OrStatement":{"Statements":[{"IPSetReferenceStatement":{"ARN":"`+blockedSetARN+`"}},{"RegexPatternSetReferenceStatement":{"ARN":"`+rx+`","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}]}}`)))
	ip, re := References(acl)
	if len(ip) != 1 || ip[0] != blockedSetARN || len(re) != 1 || re[0] != rx {
		t.Fatalf("References = %v, %v", ip, re)
	}
}

func TestValidateIPSet(t *testing.T) {
	for _, c := range []struct {
		version string
		addrs   []string
		ok      bool
	}{
		{"IPV4", []string{"192.0.2.44/32", "10.0.0.0/8"}, true},
		{"IPV4", nil, true},
		{"IPV6", []string{"2001:db8::/32"}, true},
		{"IPV4", []string{"192.0.2.44"}, false},
		{"IPV4", []string{"0.0.0.0/0"}, false},
		{"IPV4", []string{"2001:db8::/32"}, false},
		{"IPV6", []string{"192.0.2.0/24"}, false},
		{"IPV5", []string{"192.0.2.0/24"}, false},
	} {
		if err := ValidateIPSet(c.version, c.addrs); (err == nil) != c.ok {
			t.Errorf("%s %v: %v, want ok %v", c.version, c.addrs, err, c.ok)
		}
	}
}

func TestWAFLogsEveryNonAllowMatch(t *testing.T) {
	var buf bytes.Buffer
	e := newTestEngine(t, Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	acl := mustCompile(t, e, aclWithRules(
		`{"Name":"count-x","Priority":0,"Statement":`+byteMatchDoc("/x", `{"UriPath":{}}`, "STARTS_WITH")+`,"Action":{"Count":{}},`+vis("count-x")+`},`+
			`{"Name":"allow-x","Priority":1,"Statement":`+byteMatchDoc("/x/ok", `{"UriPath":{}}`, "EXACTLY")+`,"Action":{"Allow":{}},`+vis("allow-x")+`},`+
			blockRule("block-x", 2, byteMatchDoc("/x", `{"UriPath":{}}`, "STARTS_WITH"))), Sets{})
	decide(t, acl, get("192.0.2.1", "/x/ok"))  // Count, then Allow: one line
	decide(t, acl, get("192.0.2.1", "/x/bad")) // Count, then Block: two lines
	decide(t, acl, get("192.0.2.1", "/other")) // default Allow: none
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"action":"COUNT"`) || !strings.Contains(lines[2], `"rule":"block-x"`) || !strings.Contains(lines[2], `"action":"BLOCK"`) {
		t.Fatalf("log lines:\n%s", buf.String())
	}
}

package waf

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
)

// tenRules is a web ACL of ten ordinary rules (no managed group): an IP
// set, byte, regex and size matches with transformations, a label rule, a
// rate rule and logical combinations. None matches benchRequest, so every
// rule is evaluated, as for most legitimate traffic.
func tenRules() string {
	tt := func(types ...string) string {
		var out []string
		for i, t := range types {
			out = append(out, fmt.Sprintf(`{"Priority":%d,"Type":%q}`, i, t))
		}
		return "[" + strings.Join(out, ",") + "]"
	}
	rules := []string{
		blockRule("deny-list", 0, `{"IPSetReferenceStatement":{"ARN":"`+blockedSetARN+`"}}`),
		blockRule("admin", 1, byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH", "URL_DECODE", "LOWERCASE")),
		blockRule("bad-bot", 2, byteMatchDoc("BadBot", `{"SingleHeader":{"Name":"User-Agent"}}`, "CONTAINS_WORD")),
		blockRule("script", 3, byteMatchDoc("<script", `{"QueryString":{}}`, "CONTAINS", "URL_DECODE", "HTML_ENTITY_DECODE", "LOWERCASE")),
		blockRule("wp", 4, `{"RegexMatchStatement":{"RegexString":"^/(wp-|xmlrpc)","FieldToMatch":{"UriPath":{}},"TextTransformations":`+tt("NORMALIZE_PATH")+`}}`),
		blockRule("big-query", 5, `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"GT","Size":4096,"TextTransformations":`+tt("NONE")+`}}`),
		blockRule("debug-arg", 6, byteMatchDoc("true", `{"SingleQueryArgument":{"Name":"debug"}}`, "EXACTLY", "LOWERCASE")),
		`{"Name":"tag-api","Priority":7,"Statement":` + byteMatchDoc("/api/", `{"UriPath":{}}`, "STARTS_WITH") + `,"Action":{"Count":{}},"RuleLabels":[{"Name":"api"}],` + vis("tag-api") + `}`,
		blockRule("api-delete", 8, `{"AndStatement":{"Statements":[{"LabelMatchStatement":{"Scope":"LABEL","Key":"api"}},`+byteMatchDoc("DELETE", `{"Method":{}}`, "EXACTLY")+`]}}`),
		`{"Name":"rate","Priority":9,"Statement":{"RateBasedStatement":{"Limit":2000000000,"EvaluationWindowSec":300,"AggregateKeyType":"IP"}},"Action":{"Block":{}},` + vis("rate") + `}`,
	}
	return aclWithRules(strings.Join(rules, ","))
}

func benchRequest() *Request {
	return get("198.51.100.7", "/api/items?page=2&sort=asc", "Accept", "application/json", "Authorization", "Bearer eyJhbGciOi...", "Cookie", "session=abc")
}

func BenchmarkEvaluate(b *testing.B) {
	e := newTestEngine(b, Config{})
	// The tag-api Count rule matches the benchmark request, so with a
	// Lines writer, as moat runs, every evaluation also writes a WAF line.
	logged := newTestEngine(b, Config{Lines: io.Discard})
	b.Run("TenRulesWithLogLine", func(b *testing.B) {
		acl, r := mustCompile(b, logged, tenRules(), blockedSets), benchRequest()
		b.ReportAllocs()
		for b.Loop() {
			acl.Evaluate(context.Background(), r)
		}
	})
	cases := []struct{ name, doc string }{
		{"TenRules", tenRules()},
		{"CommonRuleSet", aclWithRules(`{"Name":"g","Priority":0,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}},"OverrideAction":{"None":{}},` + vis("g") + `}`)},
		{"SQLiRuleSet", sqliACL(`{"None":{}}`, "")},
		{"KnownBadInputsRuleSet", aclWithRules(`{"Name":"g","Priority":0,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesKnownBadInputsRuleSet"}},"OverrideAction":{"None":{}},` + vis("g") + `}`)},
	}
	for _, c := range cases {
		acl := mustCompile(b, e, c.doc, blockedSets)
		r := benchRequest()
		if d := acl.Evaluate(context.Background(), r); d.Blocked() {
			b.Fatalf("%s blocks the benchmark request: %+v", c.name, d)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				acl.Evaluate(context.Background(), r)
			}
		})
	}
}

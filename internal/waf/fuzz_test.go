package waf

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzCompileWebACL decodes arbitrary JSON as a web ACL and compiles it:
// compilation either succeeds, and the ACL then judges requests without
// panicking, or fails with one of the typed errors the WAFv2 API turns
// into its exceptions.
func FuzzCompileWebACL(f *testing.F) {
	seeds := []string{
		aclWithRules(""),
		aclWithRules(blockRule("ip", 0, `{"IPSetReferenceStatement":{"ARN":"`+blockedSetARN+`","IPSetForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"MATCH","Position":"ANY"}}}`)),
		aclWithRules(blockRule("b", 0, byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH", "URL_DECODE", "LOWERCASE"))),
		aclWithRules(blockRule("h", 0, byteMatchDoc("x", `{"Headers":{"MatchPattern":{"IncludedHeaders":["a"]},"MatchScope":"ALL","OversizeHandling":"MATCH"}}`, "CONTAINS_WORD"))),
		aclWithRules(blockRule("c", 0, `{"SizeConstraintStatement":{"FieldToMatch":{"Cookies":{"MatchPattern":{"All":{}},"MatchScope":"KEY","OversizeHandling":"NO_MATCH"}},"ComparisonOperator":"GT","Size":3,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`)),
		aclWithRules(blockRule("l", 0, `{"AndStatement":{"Statements":[{"LabelMatchStatement":{"Scope":"NAMESPACE","Key":"a:"}},{"NotStatement":{"Statement":{"RegexMatchStatement":{"RegexString":"^/x","FieldToMatch":{"Body":{"OversizeHandling":"CONTINUE"}},"TextTransformations":[{"Priority":0,"Type":"BASE64_DECODE"}]}}}}]}}`)),
		rateACL(`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"Header":{"Name":"X-T","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},{"LabelNamespace":{"Namespace":"a:"}},{"ForwardedIP":{}}],"ForwardedIPConfig":{"HeaderName":"X-F","FallbackBehavior":"MATCH"}}`),
		sqliACL(`{"Count":{}}`, `,"RuleActionOverrides":[{"Name":"SQLi_BODY","ActionToUse":{"Block":{"CustomResponse":{"ResponseCode":403}}}}]`),
		`{"Name":"x","DefaultAction":{"Block":{"CustomResponse":{"ResponseCode":429,"CustomResponseBodyKey":"k"}}},"CustomResponseBodies":{"k":{"ContentType":"TEXT_PLAIN","Content":"slow down"}},"VisibilityConfig":{"MetricName":"x"},"Rules":[]}`,
		`{"Rules":[{"Statement":{"GeoMatchStatement":{"CountryCodes":["DE"]}}}]}`,
		`[]`, `{"Rules":null}`, `{"Rules":[{"Statement":null}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	e := newTestEngine(f, Config{})
	requests := []*Request{
		get("127.0.0.2", "/admin?id=1'%20OR%20'1'='1", "X-Forwarded-For", "1.2.3.4, junk", "Cookie", "a=b; c", "X-T", "v"),
		{Method: "POST", Path: "", Body: "eA==", BodyTruncated: true},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var acl WebACL
		if json.Unmarshal(data, &acl) != nil {
			return
		}
		compiled, err := e.Compile(acl, blockedSets)
		if err != nil {
			var (
				invalid     *InvalidParameterError
				missing     *NonexistentError
				unavailable *UnavailableError
			)
			if !errors.As(err, &invalid) && !errors.As(err, &missing) && !errors.As(err, &unavailable) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		for _, r := range requests {
			if r.Header == nil {
				r.Header = map[string][]string{}
			}
			d := decide(t, compiled, r)
			if d.Action != "ALLOW" && d.Action != "BLOCK" {
				t.Fatalf("decision %+v", d)
			}
		}
	})
}

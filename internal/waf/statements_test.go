package waf

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

const blockedSetARN = "arn:aws:wafv2:us-east-1:000000000000:regional/ipset/blocked/11111111-1111-1111-1111-111111111111"

var blockedSets = Sets{IPSets: map[string]IPSet{blockedSetARN: {
	Name: "blocked", ARN: blockedSetARN, IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32", "10.1.0.0/16"},
}}}

// blockRule is a Block rule named name with statement stmt (JSON).
func blockRule(name string, priority int, stmt string) string {
	return fmt.Sprintf(`{"Name":%q,"Priority":%d,"Statement":%s,"Action":{"Block":{}},%s}`, name, priority, stmt, vis(name))
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func byteMatchDoc(search, field, position string, transforms ...string) string {
	if len(transforms) == 0 {
		transforms = []string{"NONE"}
	}
	var tts []string
	for i, t := range transforms {
		tts = append(tts, fmt.Sprintf(`{"Priority":%d,"Type":%q}`, i, t))
	}
	return fmt.Sprintf(`{"ByteMatchStatement":{"SearchString":%q,"FieldToMatch":%s,"TextTransformations":[%s],"PositionalConstraint":%q}}`,
		b64(search), field, strings.Join(tts, ","), position)
}

func TestIPSetBlocksListedAddressesOnly(t *testing.T) {
	e := newTestEngine(t, Config{})
	acl := mustCompile(t, e, aclWithRules(blockRule("deny-list", 0, `{"IPSetReferenceStatement":{"ARN":"`+blockedSetARN+`"}}`)), blockedSets)
	for client, blocked := range map[string]bool{"127.0.0.2": true, "127.0.0.3": false, "10.1.200.3": true, "10.2.0.1": false, "::ffff:127.0.0.2": true, "2001:db8::1": false} {
		if d := decide(t, acl, get(client, "/")); d.Blocked() != blocked {
			t.Errorf("%s: blocked %v, want %v (%+v)", client, d.Blocked(), blocked, d)
		}
	}
}

func TestIPSetForwardedIPConfig(t *testing.T) {
	e := newTestEngine(t, Config{})
	stmt := func(position, fallback string) string {
		return `{"IPSetReferenceStatement":{"ARN":"` + blockedSetARN + `","IPSetForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"` + fallback + `","Position":"` + position + `"}}}`
	}
	cases := []struct {
		position, fallback, xff string
		blocked                 bool
	}{
		{"FIRST", "NO_MATCH", "127.0.0.2, 192.0.2.9", true},
		{"FIRST", "NO_MATCH", "192.0.2.9, 127.0.0.2", false},
		{"LAST", "NO_MATCH", "192.0.2.9, 127.0.0.2", true},
		{"ANY", "NO_MATCH", "192.0.2.9, 127.0.0.2, 192.0.2.10", true},
		{"ANY", "NO_MATCH", "192.0.2.9, 192.0.2.10", false},
		{"FIRST", "MATCH", "not-an-address", true},
		{"FIRST", "NO_MATCH", "not-an-address", false},
		{"FIRST", "MATCH", "", false}, // no header: the statement does not apply
	}
	for _, c := range cases {
		acl := mustCompile(t, e, aclWithRules(blockRule("fwd", 0, stmt(c.position, c.fallback))), blockedSets)
		r := get("127.0.0.2", "/") // the peer itself is listed: only the header counts
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if d := decide(t, acl, r); d.Blocked() != c.blocked {
			t.Errorf("%s/%s %q: blocked %v, want %v", c.position, c.fallback, c.xff, d.Blocked(), c.blocked)
		}
	}
}

func TestByteMatchPositionsFieldsAndTransformations(t *testing.T) {
	e := newTestEngine(t, Config{})
	cases := []struct {
		name    string
		stmt    string
		req     *Request
		blocked bool
	}{
		{"exactly path", byteMatchDoc("/admin", `{"UriPath":{}}`, "EXACTLY"), get("192.0.2.1", "/admin"), true},
		{"exactly is exact", byteMatchDoc("/admin", `{"UriPath":{}}`, "EXACTLY"), get("192.0.2.1", "/admin/x"), false},
		{"case matters without LOWERCASE", byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH"), get("192.0.2.1", "/ADMIN"), false},
		{"LOWERCASE", byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH", "LOWERCASE"), get("192.0.2.1", "/ADMIN/x"), true},
		{"ends with", byteMatchDoc(".php", `{"UriPath":{}}`, "ENDS_WITH"), get("192.0.2.1", "/x/index.php"), true},
		{"query string needs URL_DECODE", byteMatchDoc("<script>", `{"QueryString":{}}`, "CONTAINS"), get("192.0.2.1", "/?q=%3Cscript%3E"), false},
		{"URL_DECODE", byteMatchDoc("<script>", `{"QueryString":{}}`, "CONTAINS", "URL_DECODE"), get("192.0.2.1", "/?q=%3Cscript%3E"), true},
		{"transformations run in priority order", byteMatchDoc("<script>", `{"QueryString":{}}`, "CONTAINS", "URL_DECODE", "LOWERCASE"), get("192.0.2.1", "/?q=%3CSCRIPT%3E"), true},
		{"single header", byteMatchDoc("BadBot", `{"SingleHeader":{"Name":"user-agent"}}`, "CONTAINS_WORD"), get("192.0.2.1", "/", "User-Agent", "x;BadBot;y"), true},
		{"contains word needs word edges", byteMatchDoc("BadBot", `{"SingleHeader":{"Name":"User-Agent"}}`, "CONTAINS_WORD"), get("192.0.2.1", "/", "User-Agent", "BadBots"), false},
		{"missing header does not match", byteMatchDoc("x", `{"SingleHeader":{"Name":"X-Missing"}}`, "CONTAINS"), get("192.0.2.1", "/"), false},
		{"single query argument name ignores case", byteMatchDoc("drop", `{"SingleQueryArgument":{"Name":"ACTION"}}`, "EXACTLY"), get("192.0.2.1", "/?a=1&action=drop"), true},
		{"single query argument is that argument", byteMatchDoc("drop", `{"SingleQueryArgument":{"Name":"action"}}`, "EXACTLY"), get("192.0.2.1", "/?other=drop"), false},
		{"all query arguments", byteMatchDoc("drop", `{"AllQueryArguments":{}}`, "EXACTLY"), get("192.0.2.1", "/?a=1&b=drop"), true},
		{"method", byteMatchDoc("DELETE", `{"Method":{}}`, "EXACTLY"), &Request{Method: "DELETE", Path: "/"}, true},
		{"host is a header", byteMatchDoc("api.example.com", `{"SingleHeader":{"Name":"Host"}}`, "EXACTLY"), get("192.0.2.1", "/"), true},
		{"headers values", byteMatchDoc("evil", `{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}}`, "EXACTLY"), get("192.0.2.1", "/", "X-A", "evil"), true},
		{"headers keys", byteMatchDoc("x-evil", `{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"KEY","OversizeHandling":"CONTINUE"}}`, "EXACTLY", "LOWERCASE"), get("192.0.2.1", "/", "X-Evil", "1"), true},
		{"headers excluded", byteMatchDoc("evil", `{"Headers":{"MatchPattern":{"ExcludedHeaders":["x-a"]},"MatchScope":"ALL","OversizeHandling":"CONTINUE"}}`, "EXACTLY"), get("192.0.2.1", "/", "X-A", "evil"), false},
		{"headers included", byteMatchDoc("evil", `{"Headers":{"MatchPattern":{"IncludedHeaders":["X-B"]},"MatchScope":"ALL","OversizeHandling":"CONTINUE"}}`, "EXACTLY"), get("192.0.2.1", "/", "X-B", "evil"), true},
		{"cookies", byteMatchDoc("admin", `{"Cookies":{"MatchPattern":{"IncludedCookies":["role"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}}`, "EXACTLY"), get("192.0.2.1", "/", "Cookie", "a=1; role=admin"), true},
		{"cookies pattern", byteMatchDoc("admin", `{"Cookies":{"MatchPattern":{"IncludedCookies":["other"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}}`, "EXACTLY"), get("192.0.2.1", "/", "Cookie", "role=admin"), false},
		{"body", byteMatchDoc("secret", `{"Body":{}}`, "CONTAINS"), &Request{Method: "POST", Path: "/", Body: "a secret here"}, true},
		{"oversize body CONTINUE inspects the prefix", byteMatchDoc("secret", `{"Body":{"OversizeHandling":"CONTINUE"}}`, "CONTAINS"), &Request{Method: "POST", Path: "/", Body: "nothing", BodyTruncated: true}, false},
		{"oversize body MATCH", byteMatchDoc("secret", `{"Body":{"OversizeHandling":"MATCH"}}`, "CONTAINS"), &Request{Method: "POST", Path: "/", Body: "nothing", BodyTruncated: true}, true},
		{"oversize body NO_MATCH", byteMatchDoc("nothing", `{"Body":{"OversizeHandling":"NO_MATCH"}}`, "CONTAINS"), &Request{Method: "POST", Path: "/", Body: "nothing", BodyTruncated: true}, false},
		{"oversize headers MATCH", byteMatchDoc("zzz", `{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"ALL","OversizeHandling":"MATCH"}}`, "EXACTLY"), get("192.0.2.1", "/", "X-Big", strings.Repeat("a", 9000)), true},
		{"oversize headers NO_MATCH", byteMatchDoc("test-client/1.0", `{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"ALL","OversizeHandling":"NO_MATCH"}}`, "EXACTLY"), get("192.0.2.1", "/", "X-Big", strings.Repeat("a", 9000)), false},
		{"regex", `{"RegexMatchStatement":{"RegexString":"^/v[0-9]+/admin","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`, get("192.0.2.1", "/v2/admin/x"), true},
		{"size GT", `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"GT","Size":5,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`, get("192.0.2.1", "/?abcdef"), true},
		{"size GT not", `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"GT","Size":5,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`, get("192.0.2.1", "/?abcde"), false},
		{"size after transformation", `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"LE","Size":3,"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("192.0.2.1", "/?%41%42%43"), true},
		{"and", `{"AndStatement":{"Statements":[` + byteMatchDoc("/a", `{"UriPath":{}}`, "STARTS_WITH") + `,` + byteMatchDoc("POST", `{"Method":{}}`, "EXACTLY") + `]}}`, get("192.0.2.1", "/a"), false},
		{"or", `{"OrStatement":{"Statements":[` + byteMatchDoc("/a", `{"UriPath":{}}`, "STARTS_WITH") + `,` + byteMatchDoc("POST", `{"Method":{}}`, "EXACTLY") + `]}}`, get("192.0.2.1", "/a"), true},
		{"not", `{"NotStatement":{"Statement":` + byteMatchDoc("/public", `{"UriPath":{}}`, "STARTS_WITH") + `}}`, get("192.0.2.1", "/private"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acl := mustCompile(t, e, aclWithRules(blockRule("r", 0, c.stmt)), Sets{})
			if c.req.Header == nil {
				c.req.Header = map[string][]string{}
			}
			if d := decide(t, acl, c.req); d.Blocked() != c.blocked {
				t.Fatalf("blocked %v, want %v", d.Blocked(), c.blocked)
			}
		})
	}
}

func TestRegexPatternSetReference(t *testing.T) {
	const arn = "arn:aws:wafv2:us-east-1:000000000000:regional/regexpatternset/bad/22222222-2222-2222-2222-222222222222"
	sets := Sets{RegexPatternSets: map[string]RegexPatternSet{arn: {ARN: arn, RegularExpressionList: []Regex{{RegexString: "^/wp-"}, {RegexString: `(?i)\.env$`}}}}}
	e := newTestEngine(t, Config{})
	acl := mustCompile(t, e, aclWithRules(blockRule("r", 0, `{"RegexPatternSetReferenceStatement":{"ARN":"`+arn+`","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`)), sets)
	for path, blocked := range map[string]bool{"/wp-login.php": true, "/app/.ENV": true, "/x/wp-": false, "/env": false} {
		if d := decide(t, acl, get("192.0.2.1", path)); d.Blocked() != blocked {
			t.Errorf("%s: blocked %v, want %v", path, d.Blocked(), blocked)
		}
	}
}

func TestRulesRunInPriorityOrderAndActionsTerminate(t *testing.T) {
	e := newTestEngine(t, Config{})
	// Listed out of order: priority decides. The Allow at 1 wins over the
	// Block at 2 for /public; Count at 0 labels and goes on.
	doc := aclWithRules(
		blockRule("block-all", 2, byteMatchDoc("/", `{"UriPath":{}}`, "STARTS_WITH")) + `,` +
			`{"Name":"allow-public","Priority":1,"Statement":` + byteMatchDoc("/public", `{"UriPath":{}}`, "STARTS_WITH") + `,"Action":{"Allow":{"CustomRequestHandling":{"InsertHeaders":[{"Name":"public","Value":"yes"}]}}},` + vis("allow-public") + `},` +
			`{"Name":"count-all","Priority":0,"Statement":` + byteMatchDoc("/", `{"UriPath":{}}`, "STARTS_WITH") + `,"Action":{"Count":{"CustomRequestHandling":{"InsertHeaders":[{"Name":"seen","Value":"1"}]}}},"RuleLabels":[{"Name":"seen"}],` + vis("count-all") + `}`)
	acl := mustCompile(t, e, doc, Sets{})
	d := decide(t, acl, get("192.0.2.1", "/public/x"))
	if d.Blocked() || d.TerminatingRule != "allow-public" {
		t.Fatalf("/public: %+v, want allowed by allow-public", d)
	}
	if len(d.InsertHeaders) != 2 || d.InsertHeaders[0].Name != "x-amzn-waf-seen" || d.InsertHeaders[1].Name != "x-amzn-waf-public" {
		t.Errorf("inserted headers %+v, want x-amzn-waf-seen then x-amzn-waf-public", d.InsertHeaders)
	}
	if !contains(d.Labels, "awswaf:000000000000:webacl:test-acl:seen") {
		t.Errorf("labels %v lack the Count rule's", d.Labels)
	}
	d = decide(t, acl, get("192.0.2.1", "/private"))
	if !d.Blocked() || d.TerminatingRule != "block-all" || d.InsertHeaders != nil {
		t.Fatalf("/private: %+v, want blocked by block-all with no inserted headers", d)
	}
}

func TestCountRuleDoesNotBlockButIsCounted(t *testing.T) {
	e := newTestEngine(t, Config{})
	doc := aclWithRules(`{"Name":"count-admin","Priority":0,"Statement":` + byteMatchDoc("/admin", `{"UriPath":{}}`, "STARTS_WITH") + `,"Action":{"Count":{}},` + vis("count-admin") + `}`)
	acl := mustCompile(t, e, doc, Sets{})
	for range 3 {
		if d := decide(t, acl, get("192.0.2.1", "/admin")); d.Blocked() || d.TerminatingRule != DefaultActionRule {
			t.Fatalf("%+v: a Count rule must not decide", d)
		}
	}
	if got := counterValue(t, e, acl.ARN(), "count-admin", "COUNT"); got != 3 {
		t.Errorf("count-admin counted %v, want 3", got)
	}
	samples, population, _ := e.SampledRequests(acl.ARN(), "count-admin", e.now().Add(-time.Minute), e.now().Add(time.Minute), 100)
	if len(samples) != 3 || population != 3 || samples[0].Action != "COUNT" {
		t.Errorf("samples %d (population %d, first %+v), want 3 COUNT samples", len(samples), population, samples)
	}
}

func TestBlockCustomResponseAndDefaultBlock(t *testing.T) {
	e := newTestEngine(t, Config{})
	doc := `{"Name":"custom","ARN":"arn:custom","DefaultAction":{"Block":{}},
		"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"custom"},
		"CustomResponseBodies":{"denied":{"ContentType":"APPLICATION_JSON","Content":"{\"error\":\"denied\"}"}},
		"Rules":[{"Name":"teapot","Priority":0,"Statement":` + byteMatchDoc("/tea", `{"UriPath":{}}`, "EXACTLY") + `,
			"Action":{"Block":{"CustomResponse":{"ResponseCode":418,"CustomResponseBodyKey":"denied","ResponseHeaders":[{"Name":"Retry-After","Value":"60"}]}}},` + vis("teapot") + `}]}`
	acl := mustCompile(t, e, doc, Sets{})
	d := decide(t, acl, get("192.0.2.1", "/tea"))
	want := Response{Status: 418, ContentType: "application/json", Body: `{"error":"denied"}`, Headers: []CustomHTTPHeader{{Name: "Retry-After", Value: "60"}}}
	if !d.Blocked() || d.Response == nil || d.Response.Status != want.Status || d.Response.Body != want.Body || d.Response.ContentType != want.ContentType || len(d.Response.Headers) != 1 {
		t.Fatalf("custom block: %+v (response %+v), want %+v", d, d.Response, want)
	}
	d = decide(t, acl, get("192.0.2.1", "/other"))
	if !d.Blocked() || d.TerminatingRule != DefaultActionRule || d.Response != nil {
		t.Fatalf("default block: %+v", d)
	}
}

func TestLabelMatchSeesOnlyEarlierRules(t *testing.T) {
	e := newTestEngine(t, Config{})
	labelRule := `{"Name":"tag","Priority":%d,"Statement":` + byteMatchDoc("/x", `{"UriPath":{}}`, "STARTS_WITH") + `,"Action":{"Count":{}},"RuleLabels":[{"Name":"team:suspicious"}],` + vis("tag") + `}`
	for _, c := range []struct {
		scope, key         string
		labelFirst, blocks bool
	}{
		{"LABEL", "team:suspicious", true, true},
		{"LABEL", "suspicious", true, true},
		{"LABEL", "awswaf:000000000000:webacl:test-acl:team:suspicious", true, true},
		{"LABEL", "picious", true, false},
		{"NAMESPACE", "team:", true, true},
		{"NAMESPACE", "awswaf:000000000000:webacl:test-acl:team:", true, true},
		{"NAMESPACE", "suspicious", true, false},
		{"LABEL", "team:suspicious", false, false}, // the labelling rule runs after
	} {
		tagPriority, matchPriority := 0, 1
		if !c.labelFirst {
			tagPriority, matchPriority = 1, 0
		}
		doc := aclWithRules(fmt.Sprintf(labelRule, tagPriority) + `,` + blockRule("on-label", matchPriority, `{"LabelMatchStatement":{"Scope":"`+c.scope+`","Key":"`+c.key+`"}}`))
		acl := mustCompile(t, e, doc, Sets{})
		if d := decide(t, acl, get("192.0.2.1", "/x")); d.Blocked() != c.blocks {
			t.Errorf("%s %q (label first %v): blocked %v, want %v", c.scope, c.key, c.labelFirst, d.Blocked(), c.blocks)
		}
	}
}

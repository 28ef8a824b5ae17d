package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The two WAF configurations: a web ACL of ten ordinary rules (an IP set,
// byte, regex and size matches with transformations, labels, a rate rule;
// none blocks the measured request, one counts it) and one holding the
// CRS-backed AWSManagedRulesCommonRuleSet. Each protects its own stage.
const (
	wafPlainAPI = "wafrules01"
	wafCRSAPI   = "wafcrs0001"
)

// wafAPIs are the bench's WAF-protected APIs, beside the others in moatConfig.
const wafAPIs = `  - name: waf-rules
    id: ` + wafPlainAPI + `
    type: REST
    basePath: /wafrules
    stages: [{name: prod}]
    routes:
      - {method: GET, path: "/items/{id}", integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: waf-crs
    id: ` + wafCRSAPI + `
    type: REST
    basePath: /wafcrs
    stages: [{name: prod}]
    routes:
      - {method: GET, path: "/items/{id}", integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
`

func wafVisibility(name string) map[string]any {
	return map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": name}
}

func wafRule(name string, priority int, statement map[string]any, action string) map[string]any {
	return map[string]any{"Name": name, "Priority": priority, "Statement": statement,
		"Action": map[string]any{action: map[string]any{}}, "VisibilityConfig": wafVisibility(name)}
}

func byteMatch(search, field string, position string, transforms ...string) map[string]any {
	var tts []map[string]any
	for i, t := range append([]string{"NONE"}, transforms...) {
		tts = append(tts, map[string]any{"Priority": i, "Type": t})
	}
	return map[string]any{"ByteMatchStatement": map[string]any{"SearchString": []byte(search),
		"FieldToMatch": map[string]any{field: map[string]any{}}, "TextTransformations": tts, "PositionalConstraint": position}}
}

func tenRules(ipSetARN string) []map[string]any {
	none := []map[string]any{{"Priority": 0, "Type": "NONE"}}
	return []map[string]any{
		wafRule("deny-list", 0, map[string]any{"IPSetReferenceStatement": map[string]any{"ARN": ipSetARN}}, "Block"),
		wafRule("admin", 1, byteMatch("/admin", "UriPath", "CONTAINS", "URL_DECODE", "LOWERCASE"), "Block"),
		wafRule("bad-bot", 2, map[string]any{"ByteMatchStatement": map[string]any{"SearchString": []byte("BadBot"),
			"FieldToMatch": map[string]any{"SingleHeader": map[string]any{"Name": "user-agent"}}, "TextTransformations": none, "PositionalConstraint": "CONTAINS_WORD"}}, "Block"),
		wafRule("script", 3, byteMatch("<script", "QueryString", "CONTAINS", "URL_DECODE", "HTML_ENTITY_DECODE", "LOWERCASE"), "Block"),
		wafRule("wp", 4, map[string]any{"RegexMatchStatement": map[string]any{"RegexString": "^/(wp-|xmlrpc)",
			"FieldToMatch": map[string]any{"UriPath": map[string]any{}}, "TextTransformations": []map[string]any{{"Priority": 0, "Type": "NORMALIZE_PATH"}}}}, "Block"),
		wafRule("big-query", 5, map[string]any{"SizeConstraintStatement": map[string]any{"FieldToMatch": map[string]any{"QueryString": map[string]any{}},
			"ComparisonOperator": "GT", "Size": 4096, "TextTransformations": none}}, "Block"),
		wafRule("debug-arg", 6, map[string]any{"ByteMatchStatement": map[string]any{"SearchString": []byte("true"),
			"FieldToMatch": map[string]any{"SingleQueryArgument": map[string]any{"Name": "debug"}}, "TextTransformations": []map[string]any{{"Priority": 0, "Type": "LOWERCASE"}}, "PositionalConstraint": "EXACTLY"}}, "Block"),
		func() map[string]any {
			r := wafRule("tag-items", 7, byteMatch("/wafrules/prod/items/", "UriPath", "STARTS_WITH"), "Count")
			r["RuleLabels"] = []map[string]any{{"Name": "items"}}
			return r
		}(),
		wafRule("delete-items", 8, map[string]any{"AndStatement": map[string]any{"Statements": []map[string]any{
			{"LabelMatchStatement": map[string]any{"Scope": "LABEL", "Key": "items"}}, byteMatch("DELETE", "Method", "EXACTLY")}}}, "Block"),
		wafRule("rate", 9, map[string]any{"RateBasedStatement": map[string]any{"Limit": 2000000000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}}, "Block"),
	}
}

// wafClient calls moat's WAFv2 API, signed with the admin credentials.
type wafClient struct{ signedClient }

func (c wafClient) call(ctx context.Context, op string, in any) (map[string]any, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"AWSWAF_20190729." + op}}
	status, _, data, err := c.send(ctx, http.MethodPost, "/", header, body)
	if err != nil {
		return nil, err
	}
	if status != 200 {
		return nil, fmt.Errorf("wafv2 %s: %d %s", op, status, data)
	}
	var out map[string]any
	return out, json.Unmarshal(data, &out)
}

// protect creates a web ACL of rules and puts it on the API's stage prod.
func (c wafClient) protect(ctx context.Context, name, apiID string, rules []map[string]any) error {
	out, err := c.call(ctx, "CreateWebACL", map[string]any{"Name": name, "Scope": "REGIONAL",
		"DefaultAction": map[string]any{"Allow": map[string]any{}}, "VisibilityConfig": wafVisibility(name), "Rules": rules})
	if err != nil {
		return err
	}
	arn := out["Summary"].(map[string]any)["ARN"]
	_, err = c.call(ctx, "AssociateWebACL", map[string]any{"WebACLArn": arn,
		"ResourceArn": "arn:aws:apigateway:" + benchRegion + "::/restapis/" + apiID + "/stages/prod"})
	return err
}

// setupWAF puts the two web ACLs in front of their stages.
func setupWAF(ctx context.Context, identityURL string, creds aws.Credentials) error {
	c := wafClient{signedClient{url: identityURL, service: "wafv2", creds: creds}}
	set, err := c.call(ctx, "CreateIPSet", map[string]any{"Name": "bench-deny", "Scope": "REGIONAL", "IPAddressVersion": "IPV4",
		"Addresses": []string{"192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/24"}})
	if err != nil {
		return err
	}
	if err := c.protect(ctx, "bench-rules", wafPlainAPI, tenRules(set["Summary"].(map[string]any)["ARN"].(string))); err != nil {
		return err
	}
	crs := []map[string]any{{"Name": "common", "Priority": 0, "OverrideAction": map[string]any{"None": map[string]any{}}, "VisibilityConfig": wafVisibility("common"),
		"Statement": map[string]any{"ManagedRuleGroupStatement": map[string]any{"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}}
	return c.protect(ctx, "bench-crs", wafCRSAPI, crs)
}

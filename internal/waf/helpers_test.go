package waf

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// decodeACL reads a web ACL from WAFv2 JSON, as the API and config file do.
func decodeACL(t testing.TB, doc string) WebACL {
	t.Helper()
	var acl WebACL
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&acl); err != nil {
		t.Fatalf("decode web ACL: %v\n%s", err, doc)
	}
	return acl
}

func newTestEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustCompile(t testing.TB, e *Engine, doc string, sets Sets) *ACL {
	t.Helper()
	acl, err := e.Compile(decodeACL(t, doc), sets)
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, doc)
	}
	return acl
}

// aclWithRules wraps rules (a JSON array body) in a web ACL allowing by default.
func aclWithRules(rules string) string {
	return `{"Name":"test-acl","ARN":"arn:aws:wafv2:us-east-1:000000000000:regional/webacl/test-acl/1",
		"LabelNamespace":"awswaf:000000000000:webacl:test-acl:",
		"DefaultAction":{"Allow":{}},
		"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"test-acl"},
		"Rules":[` + rules + `]}`
}

func vis(name string) string {
	return `"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"` + name + `"}`
}

// get builds a GET request from a client address and a target like "/path?query".
func get(client, target string, header ...string) *Request {
	path, query, _ := strings.Cut(target, "?")
	r := &Request{Method: http.MethodGet, Path: path, RawQuery: query, Proto: "HTTP/1.1", Host: "api.example.com",
		Header: http.Header{"User-Agent": {"test-client/1.0"}}, ClientIP: netip.MustParseAddr(client)}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

func decide(t testing.TB, acl *ACL, r *Request) Decision {
	t.Helper()
	return acl.Evaluate(context.Background(), r)
}

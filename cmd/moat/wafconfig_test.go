package main

import (
	"strings"
	"testing"
)

// The config file's WAF sections are read by package waf, in WAFv2's
// shapes, and checked when the file is loaded.
func TestConfigFileWAFSections(t *testing.T) {
	file := writeFile(t, `
ipSets:
  - {Name: blocked, IPAddressVersion: IPV4, Addresses: [127.0.0.2/32]}
webACLs:
  - Name: front
    DefaultAction: {Allow: {}}
    VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: front}
    Resources: [arn:aws:apigateway:us-east-1::/restapis/api1/stages/prod]
    Rules: [{Name: deny, Priority: 0, Statement: {IPSetReferenceStatement: {ARN: ipset/blocked}}, Action: {Block: {}},
             VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: deny}}]
`)
	cfg, err := load(t, []string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.WAF.WebACLs) != 1 || cfg.WAF.WebACLs[0].Rules[0].Statement.IPSetReferenceStatement.ARN != "ipset/blocked" || len(cfg.WAF.IPSets) != 1 {
		t.Fatalf("decoded %+v", cfg.WAF)
	}
	bad := writeFile(t, "ipSets:\n  - {Name: blocked, IPAddressVersion: IPV4, Addresses: [127.0.0.2]}\n")
	if _, err := load(t, []string{"--config", bad}, nil); err == nil || !strings.Contains(err.Error(), "ipSets[0] (blocked)") {
		t.Fatalf("a bare address: %v", err)
	}
}

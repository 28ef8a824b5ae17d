package waf

import (
	"context"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const declaredWAF = `
ipSets:
  - Name: blocked
    IPAddressVersion: IPV4
    Addresses: [127.0.0.2/32]
regexPatternSets:
  - Name: probes
    RegularExpressionList: [{RegexString: "^/wp-"}]
webACLs:
  - Name: front
    DefaultAction: {Allow: {}}
    VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: front}
    Resources: [arn:aws:apigateway:us-east-1::/restapis/api1/stages/prod]
    Rules:
      - Name: blocked
        Priority: 0
        Statement: {IPSetReferenceStatement: {ARN: ipset/blocked}}
        Action: {Block: {}}
        VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: blocked}
      - Name: probes
        Priority: 1
        Statement:
          RegexPatternSetReferenceStatement:
            ARN: regexpatternset/probes
            FieldToMatch: {UriPath: {}}
            TextTransformations: [{Priority: 0, Type: NONE}]
        Action: {Block: {}}
        VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: probes}
`

func decodeSection(t *testing.T, doc string) (Section, error) {
	t.Helper()
	var s Section
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return s, err
	}
	return s, s.Validate()
}

func TestDeclaredWAFIsMadeSoAtEveryStart(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	section, err := decodeSection(t, declaredWAF)
	if err != nil {
		t.Fatal(err)
	}
	for start := range 2 {
		if err := section.Apply(ctx, s); err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
	}
	acls, _, _ := s.ListWebACLs(ctx, "", 0)
	sets, _, _ := s.ListIPSets(ctx, "", 0)
	if len(acls) != 1 || len(sets) != 1 || acls[0].ID != declaredID(kindWebACL, "front") {
		t.Fatalf("after two starts: web ACLs %+v, IP sets %+v", acls, sets)
	}
	p := s.Protection(StageARN("us-east-1", "api1", "prod"))
	if p == nil || !decide(t, p, get("127.0.0.2", "/")).Blocked() || !decide(t, p, get("127.0.0.3", "/wp-login.php")).Blocked() || decide(t, p, get("127.0.0.3", "/")).Blocked() {
		t.Fatal("the declared web ACL does not protect the declared stage as written")
	}

	// The file wins over changes made through the API.
	_, token, err := s.GetIPSet(ctx, "blocked", sets[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateIPSet(ctx, "blocked", sets[0].ID, token, "", []string{"10.0.0.1/32"}); err != nil {
		t.Fatal(err)
	}
	if err := section.Apply(ctx, s); err != nil {
		t.Fatal(err)
	}
	if set, _, _ := s.GetIPSet(ctx, "blocked", sets[0].ID); len(set.Addresses) != 1 || set.Addresses[0] != "127.0.0.2/32" {
		t.Fatalf("the next start left %v", set.Addresses)
	}
}

func TestDeclaredWAFRefusesWhatItCannotHonour(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"webACLs:\n  - Name: x\n    DefaultAction: {Allow: {}}\n    Bogus: 1\n", `unknown field "Bogus"`},
		{"ipSets:\n  - {Name: a, IPAddressVersion: IPV4, Addresses: [127.0.0.2]}\n", "ipSets[0] (a): addresses are CIDRs"},
		{"ipSets:\n  - {Name: a, IPAddressVersion: IPV4, Addresses: []}\n  - {Name: a, IPAddressVersion: IPV4, Addresses: []}\n", "ipSets[1]: Name \"a\" must be unique"},
		{"webACLs:\n  - Name: x\n    Rules: [{Name: r, Priority: 0, Statement: {IPSetReferenceStatement: {ARN: ipset/missing}}}]\n", "ipset/missing names no IP set"},
	} {
		if _, err := decodeSection(t, c.doc); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.doc, err, c.want)
		}
	}
	// A rule that does not compile is refused when the file is applied,
	// naming the web ACL; so is a name the API took first.
	ctx := context.Background()
	s := newTestService(t)
	geo, err := decodeSection(t, "webACLs:\n  - Name: geo\n    DefaultAction: {Allow: {}}\n    VisibilityConfig: {SampledRequestsEnabled: false, CloudWatchMetricsEnabled: false, MetricName: geo}\n    Rules: [{Name: r, Priority: 0, Statement: {GeoMatchStatement: {CountryCodes: [DE]}}, Action: {Block: {}}, VisibilityConfig: {SampledRequestsEnabled: false, CloudWatchMetricsEnabled: false, MetricName: r}}]\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := geo.Apply(ctx, s); err == nil || !strings.Contains(err.Error(), "webACLs (geo)") || !strings.Contains(err.Error(), "GeoIP database") {
		t.Fatalf("a rule needing a GeoIP database: %v", err)
	}
	if _, err := s.CreateIPSet(ctx, IPSet{Name: "taken", IPAddressVersion: "IPV4"}, nil); err != nil {
		t.Fatal(err)
	}
	taken, _ := decodeSection(t, "ipSets:\n  - {Name: taken, IPAddressVersion: IPV4, Addresses: []}\n")
	if err := taken.Apply(ctx, s); err == nil || !strings.Contains(err.Error(), "this file did not create") {
		t.Fatalf("a name the API took: %v", err)
	}
}

package oauth

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool"
)

// onHost is a browser that reaches the testbed under another host name,
// as a pool's domain pointed at moat would.
func (tb *testbed) onHost(host string) *browser {
	b := tb.browser()
	u, _ := url.Parse(tb.url)
	dialer := &net.Dialer{}
	b.http.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, u.Host)
	}}
	b.base = "http://" + net.JoinHostPort(host, u.Port())
	b.http.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if r.URL.Hostname() != host {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return b
}

// A pool's prefix domain serves its hosted pages for its own clients only,
// and its discovery document points at the domain.
func TestPrefixDomain(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	c := tb.client(false, "code")
	tb.user("alice", password)
	if _, err := tb.pools.CreateUserPoolDomain(ctx, &userpool.UserPoolDomainInput{Domain: "dragons", UserPoolId: tb.poolID}); err != nil {
		t.Fatal(err)
	}
	desc, err := tb.pools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: tb.poolID})
	if err != nil || desc.UserPool.Domain != "dragons" || desc.UserPool.CustomDomain != "" {
		t.Fatalf("DescribeUserPool's Domain: %+v %v", desc, err)
	}
	d, err := tb.pools.DescribeUserPoolDomain(ctx, &userpool.DescribeUserPoolDomainInput{Domain: "dragons"})
	if err != nil || d.DomainDescription.UserPoolId != tb.poolID || d.DomainDescription.Status != "ACTIVE" {
		t.Fatalf("DescribeUserPoolDomain: %+v %v", d, err)
	}

	cb := tb.onHost("dragons.auth.test").signIn(authorizeQuery(c.ClientId, ""), "alice", password)
	if cb.Query().Get("code") == "" {
		t.Fatalf("sign-in on the domain: %s", cb)
	}

	// Another pool's client is not served on this pool's domain.
	other, err := tb.pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: other.UserPool.Id, ClientName: "o",
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{callback}}})
	if err != nil {
		t.Fatal(err)
	}
	f := tb.onHost("dragons.auth.test").get(authorizeQuery(oc.UserPoolClient.ClientId, ""))
	if f.status != http.StatusBadRequest || f.final.Path != "/error" {
		t.Fatalf("another pool's client on the domain: %d at %s", f.status, f.final)
	}

	res, err := http.Get(tb.url + "/" + tb.poolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	port := strings.TrimPrefix(tb.url, "http://127.0.0.1")
	if doc["authorization_endpoint"] != "http://dragons.auth.test"+port+"/oauth2/authorize" || doc["issuer"] != tb.url+"/"+tb.poolID {
		t.Fatalf("discovery with a domain: %v", doc)
	}
}

// Domains follow Cognito's rules: one prefix per pool, a domain to one
// pool, custom domains with a certificate, and an empty description for a
// domain nobody has.
func TestDomainRules(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	other, _ := tb.pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "Other"})
	cert := &userpool.CustomDomainConfigType{CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"}
	steps := []struct {
		in   userpool.UserPoolDomainInput
		code string
	}{
		{userpool.UserPoolDomainInput{Domain: "Dragons", UserPoolId: tb.poolID}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "-dragons", UserPoolId: tb.poolID}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "dragons", UserPoolId: tb.poolID}, ""},
		{userpool.UserPoolDomainInput{Domain: "dragons", UserPoolId: other.UserPool.Id}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "second", UserPoolId: tb.poolID}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "login.example.com", UserPoolId: tb.poolID, CustomDomainConfig: &userpool.CustomDomainConfigType{CertificateArn: "nope"}}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "x.auth.test", UserPoolId: tb.poolID, CustomDomainConfig: cert}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "login.example.com", UserPoolId: tb.poolID, ManagedLoginVersion: 2}, awserr.InvalidParameter},
		{userpool.UserPoolDomainInput{Domain: "login.example.com", UserPoolId: tb.poolID, CustomDomainConfig: cert}, ""},
	}
	for i, step := range steps {
		out, err := tb.pools.CreateUserPoolDomain(ctx, &step.in)
		if step.code == "" && err != nil || step.code != "" && (err == nil || !strings.Contains(err.Error(), step.code)) {
			t.Fatalf("step %d (%s): %v, want %q", i, step.in.Domain, err, step.code)
		}
		if step.in.CustomDomainConfig != nil && err == nil && out.CloudFrontDomain == "" {
			t.Fatalf("a custom domain's CNAME target is missing")
		}
	}
	desc, _ := tb.pools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: tb.poolID})
	if desc.UserPool.Domain != "dragons" || desc.UserPool.CustomDomain != "login.example.com" {
		t.Fatalf("DescribeUserPool: Domain %q CustomDomain %q", desc.UserPool.Domain, desc.UserPool.CustomDomain)
	}
	if host, _ := tb.pools.PoolOfHost(ctx, "login.example.com"); host != tb.poolID {
		t.Fatalf("the custom domain's pool: %q", host)
	}
	if d, err := tb.pools.DescribeUserPoolDomain(ctx, &userpool.DescribeUserPoolDomainInput{Domain: "nobody"}); err != nil || d.DomainDescription.UserPoolId != "" {
		t.Fatalf("an unknown domain: %+v %v", d, err)
	}
	if _, err := tb.pools.DeleteUserPoolDomain(ctx, &userpool.DeleteUserPoolDomainInput{Domain: "dragons", UserPoolId: other.UserPool.Id}); err == nil {
		t.Fatal("another pool deleted the domain")
	}
	if _, err := tb.pools.DeleteUserPoolDomain(ctx, &userpool.DeleteUserPoolDomainInput{Domain: "dragons", UserPoolId: tb.poolID}); err != nil {
		t.Fatal(err)
	}
	if host, _ := tb.pools.PoolOfHost(ctx, "dragons.auth.test"); host != "" {
		t.Fatalf("a deleted domain still serves pool %q", host)
	}
}

// On the shared identity listener each pool has its own session cookie:
// signing in to a second pool keeps the first pool's session; on a pool's
// domain the cookie is Cognito's cognito.
func TestSessionCookiePerPool(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	a := tb.client(false, "code")
	tb.user("alice", password)
	issuer, _, _ := tb.outsidePool() // a second pool, with its user carol
	second := strings.TrimPrefix(issuer, tb.url+"/")
	out, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: second, ClientName: "b",
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{callback}}})
	if err != nil {
		t.Fatal(err)
	}
	b := tb.browser()
	b.signIn(authorizeQuery(a.ClientId, ""), "alice", password)
	b.signIn(authorizeQuery(out.UserPoolClient.ClientId, ""), "carol", password)
	for _, clientID := range []string{a.ClientId, out.UserPoolClient.ClientId} {
		if f := b.get(authorizeQuery(clientID, "")); f.location == nil || f.location.Query().Get("code") == "" {
			t.Fatalf("client %s after signing in to both pools: %d %v", clientID, f.status, f.location)
		}
	}
	cookieNames := func(br *browser) []string {
		u, _ := url.Parse(br.base)
		var names []string
		for _, c := range br.http.Jar.Cookies(u) {
			names = append(names, c.Name)
		}
		return names
	}
	if names := cookieNames(b); !slices.Contains(names, "cognito-"+tb.poolID) || !slices.Contains(names, "cognito-"+second) {
		t.Fatalf("cookies on the identity listener: %v", names)
	}
	if _, err := tb.pools.CreateUserPoolDomain(ctx, &userpool.UserPoolDomainInput{Domain: "dragons", UserPoolId: tb.poolID}); err != nil {
		t.Fatal(err)
	}
	d := tb.onHost("dragons.auth.test")
	d.signIn(authorizeQuery(a.ClientId, ""), "alice", password)
	if names := cookieNames(d); !slices.Contains(names, "cognito") {
		t.Fatalf("cookies on the pool's domain: %v", names)
	}
}

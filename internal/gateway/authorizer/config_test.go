package authorizer

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

func TestNewRefusesBadConfig(t *testing.T) {
	issuer := []gateway.IssuerConfig{{Issuer: "https://idp.example.com", AnyAudience: true}}
	for _, c := range []struct {
		name, wantInError string
		cfg               gateway.AuthorizerConfig
	}{
		{"unknown type", `"AWS_LAMBDA"`, gateway.AuthorizerConfig{Type: "AWS_LAMBDA"}},
		{"no issuers", "issuer", gateway.AuthorizerConfig{Type: "JWT"}},
		{"empty issuer", "issuer", gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{}}}},
		{"issuer twice", "twice", gateway.AuthorizerConfig{Type: "JWT", Issuers: append(issuer, issuer...)}},
		{"issuer not a URL, no jwksUri", "jwksUri", gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "idp"}}}},
		{"jwksUri not a URL", "jwksUri", gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "idp", JWKSURI: "file:///etc/keys"}}}},
		{"no audience", "audience: any", gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "https://idp.example.com"}}}},
		{"audiences and any", "choose one", gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "https://idp.example.com", Audience: []string{"a"}, AnyAudience: true}}}},
		{"userPools on JWT", "userPools", gateway.AuthorizerConfig{Type: "JWT", Issuers: issuer, UserPools: []string{"p"}}},
		{"identity source", "identitySource", gateway.AuthorizerConfig{Type: "JWT", Issuers: issuer, IdentitySource: "$request.body.token"}},
		{"claim header name", "claimHeaders", gateway.AuthorizerConfig{Type: "JWT", Issuers: issuer, ClaimHeaders: map[string]string{"sub": "X User"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Name = "auth"
			_, err := New(nil, c.cfg, quietDeps)
			if err == nil || !strings.Contains(err.Error(), c.wantInError) || !strings.Contains(err.Error(), `"auth"`) {
				t.Fatalf("error %v; want one naming the authorizer and %s", err, c.wantInError)
			}
		})
	}
	// An issuer that is not a URL is fine when its keys' location is given.
	if _, err := New(nil, gateway.AuthorizerConfig{Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "idp", JWKSURI: "https://idp/keys", Audience: []string{"api"}}}}, quietDeps); err != nil {
		t.Fatal(err)
	}
}

package gateway_test

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/gateway"
)

func shopRefs() *configfile.References {
	refs := configfile.NewReferences()
	refs.Declare(configfile.UserPoolRef, "shop", "us-east-1_AbC123xyz")
	refs.Declare(configfile.UserPoolIssuerRef, "shop", "http://moat.test/us-east-1_AbC123xyz")
	refs.Declare(configfile.UserPoolClientRef, "shop/web", "webclient0123456789abcdefg")
	refs.Declare(configfile.IdentityPoolRef, "shop", "us-east-1:0b5e7a36-9a8a-5d0e-8c77-6f6f0f3b1d6a")
	return refs
}

// apis: name the file's pools: a user-pool authorizer by the pool's name,
// a JWT issuer by ${userPool:…} (its issuer URL), an audience by
// ${userPoolClient:…}, and anything else by ${kind:name}.
func TestResolveReferences(t *testing.T) {
	apis := []gateway.API{{Name: "shop",
		Authorizers: []gateway.AuthorizerConfig{
			{Name: "pool", Type: "COGNITO_USER_POOLS", UserPools: []string{"shop", "${userPool:shop}", "us-east-1_Other1234", "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_X"}},
			{Name: "jwt", Type: "JWT", Issuers: []gateway.IssuerConfig{{Issuer: "${userPool:shop}", Audience: []string{"${userPoolClient:shop/web}"}}}},
		},
		Stages: []gateway.Stage{{Name: "prod", Variables: map[string]string{"identityPool": "${identityPool:shop}", "backend": "${stageVariables.x}"}}},
		Routes: []gateway.Route{{Method: "GET", Path: "/", Integration: gateway.IntegrationConfig{Type: "mock", Body: "${userPool:shop}"}}},
	}}
	if err := gateway.ResolveReferences(apis, shopRefs(), "apis"); err != nil {
		t.Fatal(err)
	}
	a := apis[0]
	if got := strings.Join(a.Authorizers[0].UserPools, " "); got != "us-east-1_AbC123xyz us-east-1_AbC123xyz us-east-1_Other1234 arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_X" {
		t.Errorf("userPools: %s", got)
	}
	if iss := a.Authorizers[1].Issuers[0]; iss.Issuer != "http://moat.test/us-east-1_AbC123xyz" || iss.Audience[0] != "webclient0123456789abcdefg" {
		t.Errorf("issuer: %+v", iss)
	}
	if v := a.Stages[0].Variables; v["identityPool"] != "us-east-1:0b5e7a36-9a8a-5d0e-8c77-6f6f0f3b1d6a" || v["backend"] != "${stageVariables.x}" {
		t.Errorf("stage variables: %v", v)
	}
	if a.Routes[0].Integration.Body != "us-east-1_AbC123xyz" {
		t.Errorf("body: %s", a.Routes[0].Integration.Body)
	}
}

func TestResolveReferencesNamesTheKey(t *testing.T) {
	for name, c := range map[string]struct {
		api  gateway.API
		want string
	}{
		"pool name": {gateway.API{Authorizers: []gateway.AuthorizerConfig{{UserPools: []string{"bakery"}}}},
			"apis[0].authorizers[0].userPools[0]: ${userPool:bakery} names no user pool of userPools: (declared: shop)"},
		"issuer": {gateway.API{Authorizers: []gateway.AuthorizerConfig{{Issuers: []gateway.IssuerConfig{{Issuer: "${userPool:bakery}"}}}}},
			"apis[0].authorizers[0].issuers[0].issuer: ${userPool:bakery} names no user pool"},
		"audience": {gateway.API{Authorizers: []gateway.AuthorizerConfig{{Issuers: []gateway.IssuerConfig{{Issuer: "https://x", Audience: []string{"${userPoolClient:shop/app}"}}}}}},
			"apis[0].authorizers[0].issuers[0].audience[0]: ${userPoolClient:shop/app} names no app client"},
		"route": {gateway.API{Routes: []gateway.Route{{}, {Integration: gateway.IntegrationConfig{Headers: map[string]string{"X-Pool": "${identityPool:bakery}"}}}}},
			"apis[0].routes[1].integration.headers.X-Pool: ${identityPool:bakery} names no identity pool of identityPools:"},
	} {
		t.Run(name, func(t *testing.T) {
			err := gateway.ResolveReferences([]gateway.API{c.api}, shopRefs(), "apis")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
}

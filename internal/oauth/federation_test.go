package oauth

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// outsidePool makes a second pool that acts as an outside OIDC provider
// for the testbed's pool: its client's callback is the testbed's
// /oauth2/idpresponse, and it has one user, carol.
func (tb *testbed) outsidePool() (issuer, clientID, secret string) {
	tb.t.Helper()
	ctx := context.Background()
	pool, err := tb.pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "Corporate"})
	if err != nil {
		tb.t.Fatal(err)
	}
	id := pool.UserPool.Id
	c, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: id, ClientName: "moat-federation", GenerateSecret: true,
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{tb.url + "/oauth2/idpresponse"}}})
	if err != nil {
		tb.t.Fatal(err)
	}
	if _, err := tb.pools.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{UserPoolId: id, Username: "carol", MessageAction: "SUPPRESS",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "carol@corp.example"}, {Name: "given_name", Value: "Carol"}}}); err != nil {
		tb.t.Fatal(err)
	}
	if _, err := tb.pools.AdminSetUserPassword(ctx, &userpool.AdminSetUserPasswordInput{UserPoolId: id, Username: "carol", Password: password, Permanent: true}); err != nil {
		tb.t.Fatal(err)
	}
	return tb.url + "/" + id, c.UserPoolClient.ClientId, c.UserPoolClient.ClientSecret
}

// oktaClient federates the testbed's pool with an outside moat pool as the
// OIDC provider Okta and returns a web client that offers it.
func (tb *testbed) oktaClient() *userpool.UserPoolClientType {
	tb.t.Helper()
	ctx := context.Background()
	issuer, outsideClient, outsideSecret := tb.outsidePool()
	if _, err := tb.pools.CreateIdentityProvider(ctx, &userpool.IdentityProviderInput{UserPoolId: tb.poolID, ProviderName: "Okta", ProviderType: "OIDC",
		ProviderDetails: map[string]string{"client_id": outsideClient, "client_secret": outsideSecret, "oidc_issuer": issuer,
			"authorize_scopes": "openid email profile", "attributes_request_method": "GET"},
		AttributeMapping: map[string]string{"email": "email", "given_name": "given_name"}, IdpIdentifiers: []string{"corp.example"}}); err != nil {
		tb.t.Fatal(err)
	}
	out, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: tb.poolID, ClientName: "web", GenerateSecret: true,
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback},
			SupportedIdentityProviders: []string{"COGNITO", "Okta"}}})
	if err != nil {
		tb.t.Fatal(err)
	}
	return &out.UserPoolClient
}

// oktaSignIn signs carol in through the outside pool's own hosted page and
// returns the claims of the ID token the code redeems for.
func (tb *testbed) oktaSignIn(b *browser, c *userpool.UserPoolClientType) map[string]any {
	tb.t.Helper()
	// The IdP chooser's button, then the outside pool's own sign-in page.
	outside := b.get(authorizeQuery(c.ClientId, "", "idp_identifier", "corp.example"))
	if outside.status != http.StatusOK || !strings.Contains(outside.final.RawQuery, "client_id=") {
		tb.t.Fatalf("the provider's sign-in page: %d at %s", outside.status, outside.final)
	}
	done := b.submit(outside, url.Values{"username": {"carol"}, "password": {password}})
	if done.location == nil || !strings.HasPrefix(done.location.String(), callback) || done.location.Query().Get("code") == "" {
		tb.t.Fatalf("after the provider: %d %v\n%s", done.status, done.location, done.body)
	}
	status, tokens := tb.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {done.location.Query().Get("code")},
		"redirect_uri": {callback}}, c.ClientId, c.ClientSecret)
	if status != http.StatusOK {
		tb.t.Fatalf("token: %d %v", status, tokens)
	}
	return testenv.JWTClaims(tb.t, tokens["id_token"].(string))
}

// A pool federates another moat pool as an OIDC provider: the sign-in goes
// through the outside pool's own hosted page, and the user appears as
// Okta_<sub> with mapped attributes, identities and the automatic group.
func TestOIDCFederation(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	c := tb.oktaClient()
	b := tb.browser()
	login := b.get(authorizeQuery(c.ClientId, ""))
	if !strings.Contains(login.body, ">Okta</a>") {
		t.Fatalf("the sign-in page has no button for the provider:\n%s", login.body)
	}
	claims := tb.oktaSignIn(b, c)
	username, _ := claims["cognito:username"].(string)
	groups, _ := claims["cognito:groups"].([]any)
	identities, _ := claims["identities"].([]any)
	if !strings.HasPrefix(username, "Okta_") || claims["email"] != "carol@corp.example" || claims["given_name"] != "Carol" ||
		!slices.Contains(groups, any(tb.poolID+"_Okta")) || len(identities) != 1 {
		t.Fatalf("the federated user's ID token: %v", claims)
	}
	id := identities[0].(map[string]any)
	if id["providerName"] != "Okta" || id["providerType"] != "OIDC" || id["primary"] != "true" || "Okta_"+id["userId"].(string) != username {
		t.Fatalf("identities: %v", id)
	}
	u, err := tb.pools.AdminGetUser(ctx, &userpool.UserRef{UserPoolId: tb.poolID, Username: username})
	if err != nil || u.UserStatus != "EXTERNAL_PROVIDER" {
		t.Fatalf("AdminGetUser: %+v %v", u, err)
	}
}

// inboundRecorder is an InboundFederation hook that records what it is
// told and gives the user a nickname made from the provider's claims.
type inboundRecorder struct{ events []signin.FederationEvent }

func (h *inboundRecorder) InboundFederation(_ context.Context, e *signin.FederationEvent) error {
	h.events = append(h.events, *e)
	e.UserAttributesToMap = map[string]string{"email": e.Attributes.IDToken["email"], "nickname": e.Attributes.UserInfo["given_name"] + "@corp"}
	return nil
}

// An OIDC sign-in hands the InboundFederation hook what the provider sent:
// the token endpoint's answer, the ID token's claims and userInfo's; its
// userAttributesToMap is what the user gets.
func TestOIDCFederationInboundHook(t *testing.T) {
	hook := &inboundRecorder{}
	tb := newTestbedWith(t, signin.Hooks{InboundFederation: hook})
	c := tb.oktaClient()
	claims := tb.oktaSignIn(tb.browser(), c)
	if claims["nickname"] != "Carol@corp" || claims["email"] != "carol@corp.example" || claims["given_name"] != nil {
		t.Fatalf("the ID token after the hook: %v", claims)
	}
	if len(hook.events) != 1 {
		t.Fatalf("the hook ran %d times", len(hook.events))
	}
	e := hook.events[0]
	a := e.Attributes
	if e.ProviderName != "Okta" || e.ProviderType != "OIDC" || e.ClientID != c.ClientId || e.Username != claims["cognito:username"] ||
		a.IDToken["email"] != "carol@corp.example" || a.IDToken["sub"] == "" || a.UserInfo["given_name"] != "Carol" ||
		a.TokenResponse["access_token"] == "" || a.TokenResponse["id_token"] == "" || a.TokenResponse["token_type"] != "Bearer" ||
		a.TokenResponse["expires_in"] == "" || a.SAMLResponse != nil {
		t.Fatalf("the hook was told %+v", e)
	}
}

// AdminLinkProviderForUser: the outside identity signs in as the existing
// user, listed in its identities; AdminDisableProviderForUser unlinks, and
// the identity then signs in as a federated user of its own, which
// disabling stops.
func TestLinkedProviderUser(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	tb.user("alice", password)
	if _, err := tb.pools.CreateIdentityProvider(ctx, &userpool.IdentityProviderInput{UserPoolId: tb.poolID, ProviderName: "Okta", ProviderType: "OIDC",
		ProviderDetails:  map[string]string{"client_id": "c", "oidc_issuer": "https://idp.example", "authorize_scopes": "openid"},
		AttributeMapping: map[string]string{"nickname": "nickname"}}); err != nil {
		t.Fatal(err)
	}
	link := &userpool.AdminLinkProviderForUserInput{UserPoolId: tb.poolID,
		DestinationUser: userpool.ProviderUserIdentifierType{ProviderName: "Cognito", ProviderAttributeValue: "alice"},
		SourceUser:      userpool.ProviderUserIdentifierType{ProviderName: "Okta", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "00u42"}}
	if _, err := tb.pools.AdminLinkProviderForUser(ctx, link); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.AdminLinkProviderForUser(ctx, link); err == nil {
		t.Fatal("an identity was linked twice")
	}
	u, err := tb.pools.FederatedSignIn(ctx, tb.poolID, "", "Okta", "00u42", signin.ProviderAttributes{IDToken: map[string]string{"nickname": "Al"}})
	if err != nil || u.Username != "alice" {
		t.Fatalf("the linked identity signs in as %+v (%v)", u, err)
	}
	got, _ := tb.pools.AdminGetUser(ctx, &userpool.UserRef{UserPoolId: tb.poolID, Username: "alice"})
	attrs := map[string]string{}
	for _, a := range got.UserAttributes {
		attrs[a.Name] = a.Value
	}
	if !strings.Contains(attrs["identities"], `"userId":"00u42"`) || attrs["nickname"] != "Al" || got.UserStatus != "CONFIRMED" {
		t.Fatalf("the linked user: %+v", got)
	}
	off := &userpool.AdminDisableProviderForUserInput{UserPoolId: tb.poolID,
		User: userpool.ProviderUserIdentifierType{ProviderName: "Okta", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "00u42"}}
	if _, err := tb.pools.AdminDisableProviderForUser(ctx, off); err != nil {
		t.Fatal(err)
	}
	u, err = tb.pools.FederatedSignIn(ctx, tb.poolID, "", "Okta", "00u42", signin.ProviderAttributes{})
	if err != nil || u.Username != "Okta_00u42" {
		t.Fatalf("after unlinking: %+v (%v)", u, err)
	}
	if _, err := tb.pools.AdminLinkProviderForUser(ctx, link); err == nil {
		t.Fatal("an identity that has signed in on its own was linked")
	}
	if _, err := tb.pools.AdminDisableProviderForUser(ctx, off); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.FederatedSignIn(ctx, tb.poolID, "", "Okta", "00u42", signin.ProviderAttributes{}); err == nil {
		t.Fatal("a disabled federated user signed in")
	}
}

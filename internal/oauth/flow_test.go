package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const password = "Correct-Horse-1"

// The code grant with PKCE, end to end: the sign-in page, the code, the
// token endpoint, an ID token go-oidc verifies from the discovery document
// (issuer, audience, nonce), userInfo, a refresh, and a revocation after
// which the refresh token is refused.
func TestCodeFlowWithPKCE(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(true, "code")
	tb.user("alice", password)
	verifier, challenge := pkce()

	cb := tb.browser().signIn(authorizeQuery(c.ClientId, challenge), "alice", password)
	if logs := tb.logs.String(); !strings.Contains(logs, "hosted request") || strings.Contains(logs, cb.Query().Get("code")) || strings.Contains(logs, challenge) {
		t.Fatalf("the log names the requests without their codes or challenges:\n%s", logs)
	}
	if cb.String()[:len(callback)] != callback || cb.Query().Get("state") != "st-1" || cb.Query().Get("code") == "" {
		t.Fatalf("callback = %s", cb)
	}
	status, tokens := tb.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {callback}, "code_verifier": {verifier}}, c.ClientId, c.ClientSecret)
	if status != http.StatusOK || tokens["token_type"] != "Bearer" || tokens["refresh_token"] == nil {
		t.Fatalf("token exchange: %d %v", status, tokens)
	}

	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, tb.url+"/"+tb.poolID)
	if err != nil {
		t.Fatal(err)
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: c.ClientId}).Verify(ctx, tokens["id_token"].(string))
	if err != nil {
		t.Fatalf("go-oidc refused the ID token: %v", err)
	}
	var claims struct {
		Nonce    string `json:"nonce"`
		Email    string `json:"email"`
		Username string `json:"cognito:username"`
		TokenUse string `json:"token_use"`
	}
	if err := idToken.Claims(&claims); err != nil || claims.Nonce != "n-1" || claims.Email != "alice@example.com" || claims.Username != "alice" || claims.TokenUse != "id" {
		t.Fatalf("ID token claims %+v (%v)", claims, err)
	}
	access, err := tb.tokens.Verify(ctx, tokens["access_token"].(string))
	if err != nil || strings.Join(access.Scopes, " ") != "openid email" || access.ClientID != c.ClientId {
		t.Fatalf("access token scopes %v client %s (%v)", access.Scopes, access.ClientID, err)
	}

	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tokens["access_token"].(string), TokenType: "Bearer"}))
	if err != nil {
		t.Fatal(err)
	}
	var profile map[string]any
	info.Claims(&profile)
	if profile["email"] != "alice@example.com" || profile["username"] != "alice" || profile["sub"] != idToken.Subject {
		t.Fatalf("userInfo = %v", profile)
	}

	status, refreshed := tb.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tokens["refresh_token"].(string)}}, c.ClientId, c.ClientSecret)
	if status != http.StatusOK || refreshed["id_token"] == nil || refreshed["refresh_token"] != nil {
		t.Fatalf("refresh: %d %v", status, refreshed)
	}
	if a, err := tb.tokens.Verify(ctx, refreshed["access_token"].(string)); err != nil || strings.Join(a.Scopes, " ") != "openid email" {
		t.Fatalf("a refreshed access token keeps the session's scopes: %v (%v)", a, err)
	}

	if status := tb.revoke(c.ClientId, c.ClientSecret, tokens["refresh_token"].(string)); status != http.StatusOK {
		t.Fatalf("revoke: %d", status)
	}
	status, body := tb.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tokens["refresh_token"].(string)}}, c.ClientId, c.ClientSecret)
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("refresh after revoke: %d %v", status, body)
	}
	if res := tb.userInfo(tokens["access_token"].(string)); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("userInfo after revoke: %d %s", res.StatusCode, res.Header.Get("WWW-Authenticate"))
	}
}

func (tb *testbed) revoke(clientID, secret, token string) int {
	tb.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, tb.url+"/oauth2/revoke", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (tb *testbed) userInfo(token string) *http.Response {
	tb.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, tb.url+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool"
)

// An unknown client or an unregistered redirect URI ends on moat's 400
// error page: the browser is never sent to the URI the request named.
func TestUnregisteredRedirectURIGetsTheErrorPage(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	for name, query := range map[string]url.Values{
		"unregistered":      {"response_type": {"code"}, "client_id": {c.ClientId}, "redirect_uri": {"https://evil.example/cb"}},
		"prefix of one":     {"response_type": {"code"}, "client_id": {c.ClientId}, "redirect_uri": {"http://localhost:4000/callback/x"}},
		"other port":        {"response_type": {"code"}, "client_id": {c.ClientId}, "redirect_uri": {"http://localhost:4001/callback"}},
		"unknown client":    {"response_type": {"code"}, "client_id": {"nope"}, "redirect_uri": {callback}},
		"no redirect":       {"response_type": {"code"}, "client_id": {c.ClientId}},
		"query appended":    {"response_type": {"code"}, "client_id": {c.ClientId}, "redirect_uri": {callback + "?next=https://evil.example"}},
		"login page direct": nil,
	} {
		t.Run(name, func(t *testing.T) {
			b := tb.browser()
			path := "/oauth2/authorize?" + query.Encode()
			if query == nil {
				path = "/login?" + url.Values{"response_type": {"code"}, "client_id": {c.ClientId}, "redirect_uri": {"https://evil.example/cb"}}.Encode()
			}
			f := b.get(path)
			if f.location != nil || f.status != http.StatusBadRequest || f.final.Path != "/error" || f.final.Query().Get("error") != "redirect_mismatch" {
				t.Fatalf("status %d at %s, redirect out to %v", f.status, f.final, f.location)
			}
			if !strings.Contains(f.body, "An error was encountered with the requested page.") {
				t.Fatalf("error page body:\n%s", f.body)
			}
		})
	}
}

// A code is single-use: presenting it again is invalid_grant, and the
// session its first redemption opened is revoked with all its tokens.
func TestCodeReuseRevokesTheFirstTokens(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(true, "code")
	tb.user("alice", password)
	cb := tb.browser().signIn(authorizeQuery(c.ClientId, ""), "alice", password)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")}, "redirect_uri": {callback}}
	status, first := tb.tokenRequest(form, c.ClientId, c.ClientSecret)
	if status != http.StatusOK {
		t.Fatalf("first redemption: %d %v", status, first)
	}
	if res := tb.userInfo(first["access_token"].(string)); res.StatusCode != http.StatusOK {
		t.Fatalf("userInfo before the replay: %d", res.StatusCode)
	}
	status, again := tb.tokenRequest(form, c.ClientId, c.ClientSecret)
	if status != http.StatusBadRequest || again["error"] != "invalid_grant" {
		t.Fatalf("second redemption: %d %v", status, again)
	}
	if res := tb.userInfo(first["access_token"].(string)); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("userInfo with the first access token after the replay: %d", res.StatusCode)
	}
	status, body := tb.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}}, c.ClientId, c.ClientSecret)
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("refresh with the first refresh token after the replay: %d %v", status, body)
	}
}

// PKCE: a wrong verifier, or none for a code with a challenge, is
// invalid_grant; so is another redirect_uri or another client.
func TestCodeRedemptionChecks(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	other := tb.client(false, "code")
	tb.user("alice", password)
	verifier, challenge := pkce()
	wrong, _ := pkce()
	for name, form := range map[string]url.Values{
		"wrong verifier":     {"code_verifier": {wrong}, "client_id": {c.ClientId}, "redirect_uri": {callback}},
		"no verifier":        {"client_id": {c.ClientId}, "redirect_uri": {callback}},
		"other redirect_uri": {"code_verifier": {verifier}, "client_id": {c.ClientId}, "redirect_uri": {"http://localhost:4000/bye"}},
		"other client":       {"code_verifier": {verifier}, "client_id": {other.ClientId}, "redirect_uri": {callback}},
	} {
		t.Run(name, func(t *testing.T) {
			cb := tb.browser().signIn(authorizeQuery(c.ClientId, challenge), "alice", password)
			form.Set("grant_type", "authorization_code")
			form.Set("code", cb.Query().Get("code"))
			status, body := tb.tokenRequest(form, "", "")
			if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
				t.Fatalf("%d %v", status, body)
			}
		})
	}
	cb := tb.browser().signIn(authorizeQuery(c.ClientId, challenge), "alice", password)
	status, body := tb.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")}, "client_id": {c.ClientId},
		"redirect_uri": {callback}, "code_verifier": {verifier}}, "", "")
	if status != http.StatusOK {
		t.Fatalf("the right verifier: %d %v", status, body)
	}
	// A public client presenting a secret, or a confidential one without, is not authenticated.
	status, body = tb.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {c.ClientId}, "client_secret": {"s"}}, "", "")
	if status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("public client with a secret: %d %v", status, body)
	}
}

// Every form needs the CSRF token of the browser's cookie; without it
// nothing is signed in.
func TestFormsNeedTheCSRFToken(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	tb.user("alice", password)
	b := tb.browser()
	login := b.get(authorizeQuery(c.ClientId, ""))
	for name, token := range map[string]string{"missing": "", "wrong": strings.Repeat("A", 43)} {
		form := url.Values{"username": {"alice"}, "password": {password}}
		if token != "" {
			form.Set("_csrf", token)
		}
		f := b.post(login.final.String(), form)
		if f.status != http.StatusBadRequest || f.location != nil {
			t.Fatalf("%s token: %d, redirect %v", name, f.status, f.location)
		}
	}
	// Another browser's token does not fit this browser's cookie either.
	other := tb.browser().get(authorizeQuery(c.ClientId, ""))
	f := b.post(login.final.String(), url.Values{"username": {"alice"}, "password": {password}, "_csrf": {csrfPattern.FindStringSubmatch(other.body)[1]}})
	if f.status != http.StatusBadRequest || f.location != nil {
		t.Fatalf("another browser's token: %d, redirect %v", f.status, f.location)
	}
}

// The pages cannot be framed and run no script; cookies are HttpOnly and
// SameSite.
func TestHostedPagesSecurityHeaders(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	f := tb.browser().get(authorizeQuery(c.ClientId, ""))
	h := f.header
	csp := h.Get("Content-Security-Policy")
	if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") ||
		strings.Contains(csp, "script-src") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers: %v", h)
	}
	res, err := http.Get(tb.url + "/login?" + f.final.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Header.Values("Set-Cookie")
	if len(cookies) == 0 || !strings.Contains(cookies[0], "XSRF-TOKEN=") || !strings.Contains(cookies[0], "HttpOnly") || !strings.Contains(cookies[0], "SameSite=Lax") {
		t.Fatalf("Set-Cookie: %v", cookies)
	}
}

// The implicit grant puts the tokens in the fragment, never a refresh token.
func TestImplicitGrant(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "implicit")
	tb.user("alice", password)
	cb := tb.browser().signIn("/oauth2/authorize?"+url.Values{"response_type": {"token"}, "client_id": {c.ClientId},
		"redirect_uri": {callback}, "scope": {"openid profile"}, "state": {"s"}}.Encode(), "alice", password)
	frag, err := url.ParseQuery(cb.Fragment)
	if err != nil || cb.RawQuery != "" || frag.Get("access_token") == "" || frag.Get("id_token") == "" || frag.Get("token_type") != "Bearer" ||
		frag.Get("expires_in") != "3600" || frag.Get("state") != "s" || frag.Has("refresh_token") {
		t.Fatalf("callback %s", cb)
	}
	if _, err := tb.tokens.Verify(context.Background(), frag.Get("access_token")); err != nil {
		t.Fatal(err)
	}
	// The code grant is not this client's.
	f := tb.browser().get(authorizeQuery(c.ClientId, ""))
	if f.location == nil || f.location.Query().Get("error") != "unauthorized_client" {
		t.Fatalf("code grant for an implicit-only client: %d %v", f.status, f.location)
	}
}

// One sign-in serves every client of the pool until /logout; prompt=none
// without a session is login_required; prompt=login asks again.
func TestSingleSignOnAndLogout(t *testing.T) {
	tb := newTestbed(t)
	a, b := tb.client(false, "code"), tb.client(false, "code")
	tb.user("alice", password)
	br := tb.browser()
	br.signIn(authorizeQuery(a.ClientId, ""), "alice", password)
	f := br.get(authorizeQuery(b.ClientId, ""))
	if f.location == nil || f.location.Query().Get("code") == "" {
		t.Fatalf("second client without a prompt: %d %v", f.status, f.location)
	}
	if f := br.get(authorizeQuery(b.ClientId, "", "prompt", "login")); f.location != nil || f.final.Path != "/login" {
		t.Fatalf("prompt=login: %d at %s", f.status, f.final)
	}
	out := br.get("/logout?" + url.Values{"client_id": {a.ClientId}, "logout_uri": {"http://localhost:4000/bye"}}.Encode())
	if out.location == nil || out.location.String() != "http://localhost:4000/bye" {
		t.Fatalf("logout: %d %v", out.status, out.location)
	}
	f = br.get(authorizeQuery(b.ClientId, "", "prompt", "none"))
	if f.location == nil || f.location.Query().Get("error") != "login_required" || f.location.Query().Get("state") != "st-1" {
		t.Fatalf("prompt=none after logout: %d %v", f.status, f.location)
	}
	if bad := br.get("/logout?" + url.Values{"client_id": {a.ClientId}, "logout_uri": {"https://evil.example/"}}.Encode()); bad.location != nil || bad.status != http.StatusBadRequest {
		t.Fatalf("unregistered logout_uri: %d %v", bad.status, bad.location)
	}
}

// Wrong passwords on the page count toward the same lockout as InitiateAuth.
func TestLoginSharesTheLockout(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	tb.user("alice", password)
	b := tb.browser()
	var last fetched
	for range 6 {
		login := b.get(authorizeQuery(c.ClientId, ""))
		last = b.submit(login, url.Values{"username": {"alice"}, "password": {"Wrong-Password-1"}})
	}
	if !strings.Contains(last.body, "Password attempts exceeded") {
		t.Fatalf("after 6 wrong passwords the page says:\n%s", last.body)
	}
	_, err := tb.pools.InitiateAuth(context.Background(), testCaller, &userpool.InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH",
		ClientId: c.ClientId, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	if err == nil || !strings.Contains(err.Error(), "Password attempts exceeded") {
		t.Fatalf("InitiateAuth after the page's lockout: %v", err)
	}
}

// A temporary password leads to the new-password page, whose answer goes
// through the engine and signs the user in.
func TestNewPasswordRequiredPage(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	_, err := tb.pools.AdminCreateUser(context.Background(), &userpool.AdminCreateUserInput{UserPoolId: tb.poolID, Username: "bob",
		TemporaryPassword: "Temp-Pass-123", MessageAction: "SUPPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	b := tb.browser()
	login := b.get(authorizeQuery(c.ClientId, ""))
	page := b.submit(login, url.Values{"username": {"bob"}, "password": {"Temp-Pass-123"}})
	if page.status != http.StatusOK || !strings.Contains(page.body, "Change password") || !strings.Contains(page.body, "At least 8 characters") {
		t.Fatalf("new-password page: %d\n%s", page.status, page.body)
	}
	mismatch := b.submit(page, url.Values{"password": {"New-Pass-456"}, "confirmPassword": {"New-Pass-457"}})
	if !strings.Contains(mismatch.body, "Passwords do not match.") {
		t.Fatalf("mismatch:\n%s", mismatch.body)
	}
	weak := b.submit(mismatch, url.Values{"password": {"short"}, "confirmPassword": {"short"}})
	if !strings.Contains(weak.body, "Password did not conform with policy") {
		t.Fatalf("weak password:\n%s", weak.body)
	}
	done := b.submit(weak, url.Values{"password": {"New-Pass-456"}, "confirmPassword": {"New-Pass-456"}})
	if done.location == nil || done.location.Query().Get("code") == "" {
		t.Fatalf("after a new password: %d %v\n%s", done.status, done.location, done.body)
	}
}

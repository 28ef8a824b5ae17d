package oauth

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/moat-dev/moat/internal/mail/mailtest"
	"github.com/moat-dev/moat/internal/userpool"
)

var secretPattern = regexp.MustCompile(`id="secret-key">([A-Z2-7]+)<`)

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// The second-factor pages over HTTP: MFA_SETUP with the secret and its QR
// code drawn on the page, a wrong code asked again with the same secret, a
// browser remembered on request that then skips MFA, another browser asked
// for the authenticator's code, a choice between two factors, and an email
// code read from the SMTP sink.
func TestMFAPages(t *testing.T) {
	ctx := context.Background()
	tb := newTestbed(t)
	if _, err := tb.pools.SetUserPoolMfaConfig(ctx, &userpool.SetUserPoolMfaConfigInput{UserPoolId: tb.poolID, MfaConfigOutput: userpool.MfaConfigOutput{
		MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: &userpool.SoftwareTokenMfaConfig{Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.UpdateUserPool(ctx, &userpool.UpdateUserPoolInput{UserPoolId: tb.poolID, PoolConfig: userpool.PoolConfig{MfaConfiguration: "ON",
		AutoVerifiedAttributes: []string{"email"},
		DeviceConfiguration:    &userpool.DeviceConfiguration{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}}}); err != nil {
		t.Fatal(err)
	}
	c := tb.client(false, "code")
	tb.user("mia", password)
	authorize := authorizeQuery(c.ClientId, "", "prompt", "login")

	b := tb.browser()
	login := b.get(authorize)
	setup := b.submit(login, url.Values{"username": {"mia"}, "password": {password}})
	secret := secretPattern.FindStringSubmatch(setup.body)
	if setup.status != http.StatusOK || secret == nil || !strings.Contains(setup.body, `<svg class="qr"`) || !strings.Contains(setup.body, "Remember this device") {
		t.Fatalf("MFA_SETUP page: %d\n%s", setup.status, setup.body)
	}
	if h := setup.header; h.Get("X-Frame-Options") != "DENY" || strings.Contains(h.Get("Content-Security-Policy"), "script-src") {
		t.Fatalf("MFA_SETUP headers: %v", h)
	}
	wrong := b.submit(setup, url.Values{"code": {"000000"}})
	if wrong.status != http.StatusBadRequest || !strings.Contains(wrong.body, "Code mismatch") || !strings.Contains(wrong.body, `id="secret-key">`+secret[1]+`<`) {
		t.Fatalf("a wrong first code: %d\n%s", wrong.status, wrong.body)
	}
	now := time.Now()
	done := b.submit(wrong, url.Values{"code": {totpCode(t, secret[1], now)}, "deviceName": {"phone"}, "rememberDevice": {"on"}})
	if done.status != http.StatusFound || done.location == nil || done.location.Query().Get("code") == "" {
		t.Fatalf("the right first code: %d\n%s", done.status, done.body)
	}

	// This browser is remembered: the next sign-in asks no code.
	again := b.submit(b.get(authorize), url.Values{"username": {"mia"}, "password": {password}})
	if again.status != http.StatusFound || again.location == nil || again.location.Query().Get("code") == "" {
		t.Fatalf("a remembered browser was asked again: %d\n%s", again.status, again.body)
	}

	// Another browser is asked for the authenticator's code (a later one:
	// each code is good once).
	other := tb.browser()
	asked := other.submit(other.get(authorize), url.Values{"username": {"mia"}, "password": {password}})
	if asked.status != http.StatusOK || !strings.Contains(asked.body, "Enter your authenticator code") {
		t.Fatalf("another browser: %d\n%s", asked.status, asked.body)
	}
	if blank := other.submit(asked, url.Values{"code": {" "}}); blank.status != http.StatusBadRequest || !strings.Contains(blank.body, "Enter the code.") {
		t.Fatalf("an empty code: %d\n%s", blank.status, blank.body)
	}
	replayed := other.submit(asked, url.Values{"code": {totpCode(t, secret[1], now)}})
	if replayed.status != http.StatusBadRequest || !strings.Contains(replayed.body, "each code works once") {
		t.Fatalf("a replayed code: %d\n%s", replayed.status, replayed.body)
	}
	if in := other.submit(asked, url.Values{"code": {totpCode(t, secret[1], now.Add(30*time.Second))}}); in.status != http.StatusFound {
		t.Fatalf("the authenticator's next code: %d\n%s", in.status, in.body)
	}

	// With email too and no preference, the user chooses; the emailed code signs in.
	if _, err := tb.pools.SetUserPoolMfaConfig(ctx, &userpool.SetUserPoolMfaConfigInput{UserPoolId: tb.poolID, MfaConfigOutput: userpool.MfaConfigOutput{
		MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: &userpool.SoftwareTokenMfaConfig{Enabled: true},
		EmailMfaConfiguration: &userpool.EmailMfaConfig{Subject: "Your code", Message: "Your sign-in code is {####}"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.AdminSetUserMFAPreference(ctx, &userpool.AdminSetUserMFAPreferenceInput{UserPoolId: tb.poolID, Username: "mia",
		MFAPreferences: userpool.MFAPreferences{EmailMfaSettings: &userpool.MFAOptionSettings{Enabled: true},
			SoftwareTokenMfaSettings: &userpool.MFAOptionSettings{Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	third := tb.browser()
	choose := third.submit(third.get(authorize), url.Values{"username": {"mia"}, "password": {password}})
	if choose.status != http.StatusOK || !strings.Contains(choose.body, `value="EMAIL_OTP"`) || !strings.Contains(choose.body, `value="SOFTWARE_TOKEN_MFA"`) {
		t.Fatalf("SELECT_MFA_TYPE page: %d\n%s", choose.status, choose.body)
	}
	emailPage := third.submit(choose, url.Values{"answer": {"EMAIL_OTP"}})
	if emailPage.status != http.StatusOK || !strings.Contains(emailPage.body, "Check your email") || !strings.Contains(emailPage.body, "m***@e***") {
		t.Fatalf("EMAIL_OTP page: %d\n%s", emailPage.status, emailPage.body)
	}
	code := mailtest.Code(tb.mail.Wait(t, "mia@example.com", 10*time.Second).Body)
	if in := third.submit(emailPage, url.Values{"code": {code}}); in.status != http.StatusFound {
		t.Fatalf("the emailed code: %d\n%s", in.status, in.body)
	}

	// A challenge form without its CSRF token changes nothing.
	form := url.Values{"challenge": {"SOFTWARE_TOKEN_MFA"}, "session": {"x"}, "username": {"mia"}, "code": {"123456"}}
	if res := third.post("/challenge?"+strings.SplitN(authorize, "?", 2)[1], form); res.status != http.StatusBadRequest || !strings.Contains(res.body, "did not come from this page") {
		t.Fatalf("no CSRF token: %d\n%s", res.status, res.body)
	}
}

// The QR code is an inline SVG of the otpauth URI, drawn from numbers only.
func TestTOTPQRCode(t *testing.T) {
	uri := totpURI("Dragons & Co", "mia@example.com", "JBSWY3DPEHPK3PXP")
	if !strings.HasPrefix(uri, "otpauth://totp/Dragons%20&%20Co:mia@example.com?") || !strings.Contains(uri, "secret=JBSWY3DPEHPK3PXP") || !strings.Contains(uri, "issuer=Dragons+%26+Co") {
		t.Fatalf("otpauth URI %s", uri)
	}
	svg, err := qrSVG(uri, `QR for "mia"`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, `<svg class="qr"`) || !strings.Contains(s, `aria-label="QR for &#34;mia&#34;"`) || strings.Count(s, "h1v1h-1z") < 100 {
		t.Fatalf("QR SVG: %s", s)
	}
}

// USER_AUTH on the hosted pages: "Sign in another way" lists what the user
// has, an emailed code signs in with no password, and a pool with passkeys
// offers one afterwards on a page whose only script is moat's own module.
func TestUserAuthPages(t *testing.T) {
	ctx := context.Background()
	tb := newTestbed(t)
	if _, err := tb.pools.UpdateUserPool(ctx, &userpool.UpdateUserPoolInput{UserPoolId: tb.poolID, PoolConfig: userpool.PoolConfig{
		AutoVerifiedAttributes: []string{"email"},
		Policies:               &userpool.PoolPolicies{SignInPolicy: &userpool.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP", "WEB_AUTHN"}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.SetUserPoolMfaConfig(ctx, &userpool.SetUserPoolMfaConfigInput{UserPoolId: tb.poolID, MfaConfigOutput: userpool.MfaConfigOutput{
		MfaConfiguration: "OFF", WebAuthnConfiguration: &userpool.WebAuthnConfig{RelyingPartyId: "localhost", UserVerification: "preferred"}}}); err != nil {
		t.Fatal(err)
	}
	plain := tb.client(false, "code")
	out, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: tb.poolID, ClientName: "choice",
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			ExplicitAuthFlows: []string{"ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, AllowedOAuthScopes: []string{"openid", "email"},
			CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"}}})
	if err != nil {
		t.Fatal(err)
	}
	choice := out.UserPoolClient.ClientId
	tb.user("uma", password)

	b := tb.browser()
	if login := b.get(authorizeQuery(plain.ClientId, "")); strings.Contains(login.body, "otherWays") {
		t.Fatal("a client without ALLOW_USER_AUTH offers other ways to sign in")
	}
	login := b.get(authorizeQuery(choice, ""))
	if !strings.Contains(login.body, `name="otherWays"`) {
		t.Fatalf("a USER_AUTH client's sign-in page: %s", login.body)
	}
	if empty := b.submit(login, url.Values{"otherWays": {"1"}}); empty.status != http.StatusBadRequest || !strings.Contains(empty.body, "Enter your username first") {
		t.Fatalf("other ways without a username: %d\n%s", empty.status, empty.body)
	}
	choose := b.submit(login, url.Values{"username": {"uma"}, "otherWays": {"1"}})
	if choose.status != http.StatusOK || !strings.Contains(choose.body, `value="PASSWORD"`) || !strings.Contains(choose.body, `value="EMAIL_OTP"`) ||
		strings.Contains(choose.body, `value="WEB_AUTHN"`) || strings.Contains(choose.body, `value="PASSWORD_SRP"`) {
		t.Fatalf("SELECT_CHALLENGE page: %d\n%s", choose.status, choose.body)
	}
	if noPassword := b.submit(choose, url.Values{"answer": {"PASSWORD"}}); noPassword.status != http.StatusBadRequest || !strings.Contains(noPassword.body, "Enter your password") {
		t.Fatalf("PASSWORD without one: %d\n%s", noPassword.status, noPassword.body)
	}
	emailed := b.submit(choose, url.Values{"answer": {"EMAIL_OTP"}})
	if emailed.status != http.StatusOK || !strings.Contains(emailed.body, "Check your email") || strings.Contains(emailed.body, "Remember this device") {
		t.Fatalf("EMAIL_OTP as the first factor: %d\n%s", emailed.status, emailed.body)
	}
	code := mailtest.Code(tb.mail.Wait(t, "uma@example.com", 10*time.Second).Body)
	offer := b.submit(emailed, url.Values{"code": {code}})
	csp := offer.header.Get("Content-Security-Policy")
	if offer.status != http.StatusOK || !strings.Contains(offer.body, "Sign in faster with a passkey") || !strings.Contains(offer.body, `data-passkey="create"`) ||
		!strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || offer.header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("the passkey offer: %d %v\n%s", offer.status, offer.header, offer.body)
	}
	if bad := b.submit(offer, url.Values{"credential": {`{"id":"x"}`}}); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "does not verify") {
		t.Fatalf("a passkey answer that does not verify: %d\n%s", bad.status, bad.body)
	}
	skipped := b.submit(offer, url.Values{"skip": {"1"}})
	if skipped.status != http.StatusFound || skipped.location == nil || skipped.location.Query().Get("code") == "" {
		t.Fatalf("Not now: %d\n%s", skipped.status, skipped.body)
	}
	if js := b.get("/hosted/passkey.js"); js.status != http.StatusOK || !strings.Contains(js.body, "navigator.credentials.get") {
		t.Fatalf("passkey.js: %d", js.status)
	}
}

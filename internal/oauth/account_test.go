package oauth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

// Sign-up on the page with the pool's required attributes, the code from
// the mail, confirmation, and sign-in; then a forgotten password reset
// with its code. Every step is a page's form, as a person fills it.
func TestSignUpAndResetPages(t *testing.T) {
	tb := newTestbed(t)
	c := tb.client(false, "code")
	b := tb.browser()
	login := b.get(authorizeQuery(c.ClientId, ""))
	signup := b.get("/signup?" + login.final.RawQuery)
	if signup.status != http.StatusOK || !strings.Contains(signup.body, `name="password"`) || !strings.Contains(signup.body, "At least 1 number") {
		t.Fatalf("sign-up page: %d\n%s", signup.status, signup.body)
	}
	weak := b.submit(signup, url.Values{"username": {"erin"}, "password": {"weak"}, "requiredAttributes[email]": {"erin@example.com"}})
	if weak.status != http.StatusBadRequest || !strings.Contains(weak.body, "Password did not conform with policy") || !strings.Contains(weak.body, `value="erin"`) {
		t.Fatalf("a weak password: %d\n%s", weak.status, weak.body)
	}
	confirm := b.submit(signup, url.Values{"username": {"erin"}, "password": {password}, "requiredAttributes[email]": {"erin@example.com"}})
	if !strings.Contains(confirm.body, "Confirm your account") || !strings.Contains(confirm.body, "e***@e***") {
		t.Fatalf("after sign-up: %d\n%s", confirm.status, confirm.body)
	}
	code := mailtest.Code(tb.mail.Wait(t, "erin@example.com", 10*time.Second).Body)
	wrong := b.submit(confirm, url.Values{"code": {"000000"}})
	if !strings.Contains(wrong.body, "Invalid verification code provided, please try again.") {
		t.Fatalf("a wrong code:\n%s", wrong.body)
	}
	confirmed := b.submit(confirm, url.Values{"code": {code}})
	if confirmed.final.Path != "/login" || !strings.Contains(confirmed.body, "Your account is confirmed.") {
		t.Fatalf("after the code: %d at %s\n%s", confirmed.status, confirmed.final, confirmed.body)
	}
	done := b.submit(confirmed, url.Values{"username": {"erin"}, "password": {password}})
	if done.location == nil || done.location.Query().Get("code") == "" {
		t.Fatalf("sign-in after confirming: %d %v\n%s", done.status, done.location, done.body)
	}

	rb := tb.browser()
	forgot := rb.get("/forgotPassword?" + login.final.RawQuery)
	reset := rb.submit(forgot, url.Values{"username": {"erin"}})
	if !strings.Contains(reset.body, "Reset your password") {
		t.Fatalf("after asking for a reset: %d\n%s", reset.status, reset.body)
	}
	resetCode := mailtest.Code(tb.mail.Wait(t, "erin@example.com", 10*time.Second).Body)
	mismatch := rb.submit(reset, url.Values{"code": {resetCode}, "password": {"New-Horse-2"}, "confirmPassword": {"New-Horse-3"}})
	if !strings.Contains(mismatch.body, "Passwords do not match.") {
		t.Fatalf("mismatched passwords:\n%s", mismatch.body)
	}
	changed := rb.submit(reset, url.Values{"code": {resetCode}, "password": {"New-Horse-2"}, "confirmPassword": {"New-Horse-2"}})
	if changed.final.Path != "/login" || !strings.Contains(changed.body, "Your password has been changed.") {
		t.Fatalf("after the reset: %d at %s\n%s", changed.status, changed.final, changed.body)
	}
	if cb := tb.browser().signIn(authorizeQuery(c.ClientId, ""), "erin", "New-Horse-2"); cb.Query().Get("code") == "" {
		t.Fatalf("sign-in with the new password: %s", cb)
	}
}

package userpool

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/userpool/signin"
)

// sourceRecorder is a CustomMessage, PostConfirmation and
// PreTokenGeneration hook that records each trigger source it is called
// for; its messages name the source, so a mail shows whose words it has.
type sourceRecorder struct {
	mu      sync.Mutex
	sources []string
}

func (h *sourceRecorder) record(source string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sources = append(h.sources, source)
}

func (h *sourceRecorder) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sources
	h.sources = nil
	return s
}

func (h *sourceRecorder) CustomMessage(_ context.Context, e *signin.MessageEvent) error {
	h.record(string(e.Source) + " " + e.UsernameParameter)
	e.EmailSubject = "Acme: " + string(e.Source)
	e.EmailMessage = "Acme code " + signin.CodePlaceholder + " for " + e.UsernameParameter
	return nil
}

func (h *sourceRecorder) PostConfirmation(_ context.Context, e *signin.ConfirmationEvent) error {
	h.record(string(e.Source) + " " + e.Username)
	return nil
}

func (h *sourceRecorder) PreTokenGeneration(_ context.Context, e *signin.TokenGenerationEvent) error {
	h.record(string(e.Source))
	return nil
}

// TestTriggerSources: invitations, password resets, attribute updates and
// verifications, and sign-in codes are worded by CustomMessage with their
// own trigger sources (the invitation's asks for {username}), a reset runs
// PostConfirmation_ConfirmForgotPassword, and tokens minted for the hosted
// pages say TokenGeneration_HostedAuth.
func TestTriggerSources(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	h := &sourceRecorder{}
	l.s.hooks = signin.Hooks{CustomMessage: h, PostConfirmation: h, PreTokenGeneration: h}
	want := func(step string, sources ...string) {
		t.Helper()
		if got := h.take(); !slices.Equal(got, sources) {
			t.Fatalf("%s: sources %q, want %q", step, got, sources)
		}
	}
	mail := func(to, source string) string {
		t.Helper()
		l.box.mu.Lock()
		defer l.box.mu.Unlock()
		m := l.box.sent[len(l.box.sent)-1]
		if m.To != to || m.Subject != "Acme: "+source || !strings.HasPrefix(m.Body, "Acme code ") {
			t.Fatalf("%s: the mail is not the hook's: %+v", source, m)
		}
		return m.Body
	}

	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "dora", TemporaryPassword: "Temp-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: "dora@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	want("invitation", "CustomMessage_AdminCreateUser {username}")
	if body := mail("dora@example.com", "CustomMessage_AdminCreateUser"); body != "Acme code Temp-Pass-1 for dora" {
		t.Fatalf("the invitation's placeholders: %q", body)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: "dora", Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}

	if _, err := l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "dora"}); err != nil {
		t.Fatal(err)
	}
	want("forgot password", "CustomMessage_ForgotPassword ")
	mail("dora@example.com", "CustomMessage_ForgotPassword")
	if _, err := l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "dora",
		ConfirmationCode: l.box.lastCode(t, "dora@example.com"), Password: "Second-Pass-2"}); err != nil {
		t.Fatal(err)
	}
	want("confirm forgot password", "PostConfirmation_ConfirmForgotPassword dora")

	out, err := l.signIn("dora", "Second-Pass-2")
	if err != nil {
		t.Fatal(err)
	}
	want("sign-in", "TokenGeneration_Authentication")
	access := out.AuthenticationResult.AccessToken
	if _, err := l.s.UpdateUserAttributes(ctx, &UpdateUserAttributesInput{AccessToken: access,
		UserAttributes: []AttributeType{{Name: "email", Value: "dora@new.example"}}}); err != nil {
		t.Fatal(err)
	}
	want("update attribute", "CustomMessage_UpdateUserAttribute ")
	mail("dora@new.example", "CustomMessage_UpdateUserAttribute")
	if _, err := l.s.GetUserAttributeVerificationCode(ctx, &GetUserAttributeVerificationCodeInput{AccessToken: access, AttributeName: "email"}); err != nil {
		t.Fatal(err)
	}
	want("verify attribute", "CustomMessage_VerifyUserAttribute ")
	mail("dora@new.example", "CustomMessage_VerifyUserAttribute")

	// A sign-in code by email (email MFA).
	l.mfaPool(t, "OPTIONAL", false, true)
	if _, err := l.s.AdminUpdateUserAttributes(ctx, &AdminUpdateUserAttributesInput{UserPoolId: l.poolID, Username: "dora",
		UserAttributes: []AttributeType{{Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "dora",
		MFAPreferences: MFAPreferences{EmailMfaSettings: &MFAOptionSettings{Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	h.take()
	ch, err := l.signIn("dora", "Second-Pass-2")
	if err != nil || ch.ChallengeName != "EMAIL_OTP" {
		t.Fatalf("email MFA: %+v %v", ch, err)
	}
	want("sign-in code", "CustomMessage_Authentication ")
	mail("dora@new.example", "CustomMessage_Authentication")
	if done, err := l.respond("EMAIL_OTP", ch, map[string]string{"USERNAME": "dora", "EMAIL_OTP_CODE": l.box.lastCode(t, "dora@new.example")}); err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the code in the hook's mail: %+v %v", done, err)
	}
	want("signed in with the code", "TokenGeneration_Authentication")

	// Tokens for the hosted pages' sessions.
	p, err := l.s.loadPool(ctx, l.poolID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.IssueOAuthTokens(ctx, OAuthGrant{ClientID: l.clientID, UserKey: p.userKey("dora"), Scopes: []string{"openid"}, OriginJTI: "o1"}, false); err != nil {
		t.Fatal(err)
	}
	want("hosted sign-in", "TokenGeneration_HostedAuth")
}

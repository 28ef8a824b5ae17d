package userpool

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// providerSignUps is a PreSignUp hook that refuses one provider's users and
// verifies the others' email.
type providerSignUps struct{ events []signin.PreSignUpEvent }

func (h *providerSignUps) PreSignUp(_ context.Context, e *signin.PreSignUpEvent) error {
	h.events = append(h.events, *e)
	if e.UserAttributes["email"] == "mallory@idp.example" {
		return awserr.New("UserLambdaValidationException", "PreSignUp failed with error Not invited..")
	}
	e.AutoVerifyEmail = true
	return nil
}

// A federated user's first sign-in runs PreSignUp_ExternalProvider, whose
// refusal keeps the user out and whose verification takes; later sign-ins
// do not run it.
func TestFederatedSignUpRunsPreSignUp(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	hook := &providerSignUps{}
	s.hooks.PreSignUp = hook
	poolID := newTestPool(t, s)
	if _, err := s.CreateIdentityProvider(ctx, &IdentityProviderInput{UserPoolId: poolID, ProviderName: "Okta", ProviderType: "OIDC",
		ProviderDetails:  map[string]string{"client_id": "c", "oidc_issuer": "https://idp.example", "authorize_scopes": "openid"},
		AttributeMapping: map[string]string{"email": "email"}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "u1", map[string]string{"email": "mallory@idp.example"})
	wantCode(t, err, "UserLambdaValidationException", "PreSignUp failed with error Not invited..")
	if _, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: "Okta_u1"}); err == nil {
		t.Fatal("a refused federated user was created")
	}
	for range 2 {
		if _, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "u2", map[string]string{"email": "ann@idp.example"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(hook.events) != 2 {
		t.Fatalf("PreSignUp ran %d times, want once per new user", len(hook.events))
	}
	e := hook.events[1]
	if e.Source != signin.SignUpByProvider || e.Username != "Okta_u2" || e.ClientID != "app" || e.PoolID != poolID || e.UserAttributes["identities"] == "" {
		t.Errorf("PreSignUp event %+v", e)
	}
	u, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: "Okta_u2"})
	if err != nil {
		t.Fatal(err)
	}
	verified := ""
	for _, a := range u.UserAttributes {
		if a.Name == "email_verified" {
			verified = a.Value
		}
	}
	if verified != "true" {
		t.Errorf("email_verified %q after autoVerifyEmail, want true", verified)
	}
}

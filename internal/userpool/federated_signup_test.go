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

// oktaPool makes a pool federating the OIDC provider Okta, which maps
// email and given_name.
func oktaPool(t *testing.T, s *Service) string {
	t.Helper()
	poolID := newTestPool(t, s)
	if _, err := s.CreateIdentityProvider(context.Background(), &IdentityProviderInput{UserPoolId: poolID, ProviderName: "Okta", ProviderType: "OIDC",
		ProviderDetails:  map[string]string{"client_id": "c", "oidc_issuer": "https://idp.example", "authorize_scopes": "openid"},
		AttributeMapping: map[string]string{"email": "email", "given_name": "given_name"}}); err != nil {
		t.Fatal(err)
	}
	return poolID
}

// A federated user's first sign-in runs PreSignUp_ExternalProvider, whose
// refusal keeps the user out and whose verification takes; later sign-ins
// do not run it.
func TestFederatedSignUpRunsPreSignUp(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	hook := &providerSignUps{}
	s.hooks.PreSignUp = hook
	poolID := oktaPool(t, s)
	_, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "u1", signin.ProviderAttributes{IDToken: map[string]string{"email": "mallory@idp.example"}})
	wantCode(t, err, "UserLambdaValidationException", "PreSignUp failed with error Not invited..")
	if _, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: "Okta_u1"}); err == nil {
		t.Fatal("a refused federated user was created")
	}
	for range 2 {
		if _, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "u2", signin.ProviderAttributes{IDToken: map[string]string{"email": "ann@idp.example"}}); err != nil {
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

// federationRewrite is an InboundFederation hook: it records each event,
// refuses one user, answers another with an attribute the pool lacks, and
// gives the rest a nickname and their email, dropping what else the
// provider's mapping gave.
type federationRewrite struct{ events []signin.FederationEvent }

func (h *federationRewrite) InboundFederation(_ context.Context, e *signin.FederationEvent) error {
	h.events = append(h.events, *e)
	switch e.Username {
	case "Okta_banned":
		return awserr.New("UserLambdaValidationException", "InboundFederation failed with error Banned..")
	case "Okta_odd":
		e.UserAttributesToMap = map[string]string{"custom:nope": "x"}
	case "Okta_plain":
	default:
		e.UserAttributesToMap = map[string]string{"email": e.Attributes.IDToken["email"], "nickname": "from-" + e.Attributes.UserInfo["team"]}
	}
	return nil
}

// InboundFederation runs at every federated sign-in, before PreSignUp, with
// what the provider sent; its userAttributesToMap replaces the mapped
// attributes (those it leaves out are not set), an empty answer keeps
// them, an attribute the pool lacks is InvalidLambdaResponseException and
// its error keeps the user out.
func TestInboundFederationHook(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	rewrite, signUps := &federationRewrite{}, &providerSignUps{}
	s.hooks.InboundFederation, s.hooks.PreSignUp = rewrite, signUps
	poolID := oktaPool(t, s)
	sent := func(email string) signin.ProviderAttributes {
		return signin.ProviderAttributes{TokenResponse: map[string]string{"access_token": "at", "token_type": "Bearer"},
			IDToken: map[string]string{"sub": "u", "email": email, "given_name": "Ann"}, UserInfo: map[string]string{"team": "blue"}}
	}
	attrs := func(username string) map[string]string {
		t.Helper()
		u, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: username})
		if err != nil {
			t.Fatal(err)
		}
		return attributeMap(u.UserAttributes)
	}

	if _, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "ann", sent("ann@idp.example")); err != nil {
		t.Fatal(err)
	}
	if got := attrs("Okta_ann"); got["email"] != "ann@idp.example" || got["nickname"] != "from-blue" || got["given_name"] != "" ||
		got["email_verified"] != "true" {
		t.Fatalf("the user after the hook: %v", got)
	}
	e := rewrite.events[0]
	if e.Username != "Okta_ann" || e.ProviderName != "Okta" || e.ProviderType != "OIDC" || e.ClientID != "app" || e.PoolID != poolID ||
		e.Attributes.TokenResponse["access_token"] != "at" || e.Attributes.UserInfo["team"] != "blue" {
		t.Fatalf("the hook was told %+v", e)
	}
	// Before PreSignUp, which sees the hook's attributes.
	if len(signUps.events) != 1 || signUps.events[0].UserAttributes["nickname"] != "from-blue" {
		t.Fatalf("PreSignUp after the hook: %+v", signUps.events)
	}
	// A returning user runs it again (PreSignUp does not).
	if _, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "ann", sent("ann@new.example")); err != nil {
		t.Fatal(err)
	}
	if len(rewrite.events) != 2 || len(signUps.events) != 1 || attrs("Okta_ann")["email"] != "ann@new.example" {
		t.Fatalf("a returning user: %d hook runs, %d sign-ups, %v", len(rewrite.events), len(signUps.events), attrs("Okta_ann"))
	}
	if _, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "plain", sent("plain@idp.example")); err != nil {
		t.Fatal(err)
	}
	if got := attrs("Okta_plain"); got["given_name"] != "Ann" || got["email"] != "plain@idp.example" || got["nickname"] != "" {
		t.Fatalf("an empty answer keeps the mapped attributes: %v", got)
	}

	_, err := s.FederatedSignIn(ctx, poolID, "app", "Okta", "odd", sent("odd@idp.example"))
	wantCode(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	_, err = s.FederatedSignIn(ctx, poolID, "app", "Okta", "banned", sent("banned@idp.example"))
	wantCode(t, err, "UserLambdaValidationException", "InboundFederation failed with error Banned..")
	for _, name := range []string{"Okta_odd", "Okta_banned"} {
		if _, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: name}); err == nil {
			t.Errorf("%s was created", name)
		}
	}
}

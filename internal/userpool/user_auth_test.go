package userpool

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// userAuthClient adds a USER_AUTH client and lets the pool offer email codes first.
func (l *lifecycle) userAuthClient(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	if _, err := l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{
		Policies: &PoolPolicies{SignInPolicy: &SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}}}}); err != nil {
		t.Fatal(err)
	}
	c, err := l.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "choice",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.UserPoolClient.ClientId
}

func TestUserAuth(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	clientID := l.userAuthClient(t)
	l.mfaPool(t, "OPTIONAL", true, false)
	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "uma", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "uma@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: "uma", Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	l.confirmedUser(t, "pat") // a password and no email
	initiate := func(params map[string]string) (*AuthOutput, error) {
		return l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_AUTH", ClientId: clientID, AuthParameters: params})
	}
	respond := func(name string, out *AuthOutput, responses map[string]string) (*AuthOutput, error) {
		return l.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: name,
			Session: out.Session, ChallengeResponses: responses})
	}

	_, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_AUTH", ClientId: l.clientID, AuthParameters: map[string]string{"USERNAME": "uma"}})
	wantCode(t, err, awserr.InvalidParameter, "USER_AUTH flow not enabled for this client")
	_, err = initiate(map[string]string{"USERNAME": "nobody"})
	wantCode(t, err, awserr.UserNotFound, "")

	// What each user can sign in with.
	offer, err := initiate(map[string]string{"USERNAME": "uma"})
	if err != nil || offer.ChallengeName != "SELECT_CHALLENGE" || !slices.Equal(offer.AvailableChallenges, []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}) {
		t.Fatalf("SELECT_CHALLENGE for uma: %+v %v", offer, err)
	}
	if o, err := initiate(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "EMAIL_OTP"}); err != nil ||
		o.ChallengeName != "SELECT_CHALLENGE" || !slices.Equal(o.AvailableChallenges, []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("a preference pat cannot use: %+v %v", o, err)
	}

	// An email code alone signs in, and no second factor follows it even
	// when the user has one.
	first, err := initiate(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "First-Pass-1"})
	if err != nil || first.AuthenticationResult == nil {
		t.Fatalf("PREFERRED_CHALLENGE PASSWORD: %+v %v", first, err)
	}
	l.enrolTOTP(t, first.AuthenticationResult.AccessToken)
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "uma",
		MFAPreferences: MFAPreferences{SoftwareTokenMfaSettings: &MFAOptionSettings{Enabled: true, PreferredMfa: true}}}); err != nil {
		t.Fatal(err)
	}
	otp, err := initiate(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
	if err != nil || otp.ChallengeName != "EMAIL_OTP" || otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "u***@e***" {
		t.Fatalf("PREFERRED_CHALLENGE EMAIL_OTP: %+v %v", otp, err)
	}
	done, err := respond("EMAIL_OTP", otp, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": l.box.lastCode(t, "uma@example.com")})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("email code as the first factor: %+v %v", done, err)
	}

	// A password chosen from SELECT_CHALLENGE is followed by the pool's MFA.
	_, err = respond("SELECT_CHALLENGE", offer, map[string]string{"USERNAME": "uma", "ANSWER": "WEB_AUTHN"})
	wantCode(t, err, awserr.InvalidParameter, "")
	_, err = respond("SELECT_CHALLENGE", offer, map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "Wrong-Pass-1"})
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	mfa, err := respond("SELECT_CHALLENGE", offer, map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "First-Pass-1"})
	if err != nil || mfa.ChallengeName != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("PASSWORD through SELECT_CHALLENGE: %+v %v", mfa, err)
	}
	viaSelect, err := respond("SELECT_CHALLENGE", offer, map[string]string{"USERNAME": "uma", "ANSWER": "EMAIL_OTP"})
	if err != nil || viaSelect.ChallengeName != "EMAIL_OTP" {
		t.Fatalf("EMAIL_OTP through SELECT_CHALLENGE: %+v %v", viaSelect, err)
	}
}

func TestUserAuthHidesUnknownUsers(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	clientID := l.userAuthClient(t)
	c, _ := l.s.DescribeUserPoolClient(ctx, &ClientRef{UserPoolId: l.poolID, ClientId: clientID})
	cfg := c.UserPoolClient.ClientConfig
	cfg.PreventUserExistenceErrors = "ENABLED"
	if _, err := l.s.UpdateUserPoolClient(ctx, &UpdateUserPoolClientInput{UserPoolId: l.poolID, ClientId: clientID, ClientConfig: cfg}); err != nil {
		t.Fatal(err)
	}
	l.confirmedUser(t, "pat")
	answers := map[string]*AuthOutput{}
	for _, name := range []string{"pat", "nobody"} {
		out, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		answers[name] = out
	}
	if !slices.Equal(answers["pat"].AvailableChallenges, answers["nobody"].AvailableChallenges) {
		t.Fatalf("a real and an unknown user are offered different factors: %v vs %v", answers["pat"].AvailableChallenges, answers["nobody"].AvailableChallenges)
	}
	_, err := l.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "SELECT_CHALLENGE",
		Session: answers["nobody"].Session, ChallengeResponses: map[string]string{"USERNAME": "nobody", "ANSWER": "PASSWORD", "PASSWORD": "First-Pass-1"}})
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
}

package userpool

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// mfaPool turns on the factors named for the lifecycle's pool, under mode.
func (l *lifecycle) mfaPool(t *testing.T, mode string, totpOn, email bool) {
	t.Helper()
	in := &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{MfaConfiguration: mode,
		SoftwareTokenMfaConfiguration: &SoftwareTokenMfaConfig{Enabled: totpOn}}}
	if email {
		in.EmailMfaConfiguration = &EmailMfaConfig{Subject: "Sign-in code", Message: "Your sign-in code is {####}"}
	}
	if _, err := l.s.SetUserPoolMfaConfig(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func (l *lifecycle) respond(name string, out *AuthOutput, responses map[string]string) (*AuthOutput, error) {
	return l.s.RespondToAuthChallenge(context.Background(), testCaller, &RespondToAuthChallengeInput{ClientId: l.clientID,
		ChallengeName: name, Session: out.Session, ChallengeResponses: responses})
}

// code is the TOTP code for secret at the lifecycle's clock.
func (l *lifecycle) code(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, *l.clock)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolTOTP gives a signed-in user a verified software token and returns its secret.
func (l *lifecycle) enrolTOTP(t *testing.T, access string) string {
	t.Helper()
	ctx := context.Background()
	assoc, err := l.s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{AccessToken: access})
	if err != nil || len(assoc.SecretCode) < 16 || assoc.Session != "" {
		t.Fatalf("AssociateSoftwareToken: %+v %v", assoc, err)
	}
	_, err = l.s.VerifySoftwareToken(ctx, &VerifySoftwareTokenInput{AccessToken: access, UserCode: "000000"})
	wantCode(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	v, err := l.s.VerifySoftwareToken(ctx, &VerifySoftwareTokenInput{AccessToken: access, UserCode: l.code(t, assoc.SecretCode), FriendlyDeviceName: "phone"})
	if err != nil || v.Status != "SUCCESS" {
		t.Fatalf("VerifySoftwareToken: %+v %v", v, err)
	}
	return assoc.SecretCode
}

func TestPoolMfaConfig(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	got, err := l.s.GetUserPoolMfaConfig(ctx, &DescribeUserPoolInput{UserPoolId: l.poolID})
	if err != nil || got.MfaConfiguration != "OFF" || got.SoftwareTokenMfaConfiguration != nil {
		t.Fatalf("a new pool's MFA config: %+v %v", got, err)
	}
	_, err = l.s.SetUserPoolMfaConfig(ctx, &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{MfaConfiguration: "ON"}})
	wantCode(t, err, awserr.InvalidParameter, "Invalid MFA configuration given, can't turn off all MFAs and MfaConfiguration to be ON or OPTIONAL.")
	_, err = l.s.SetUserPoolMfaConfig(ctx, &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{
		EmailMfaConfiguration: &EmailMfaConfig{Message: "no placeholder here"}}})
	wantCode(t, err, awserr.InvalidParameter, "")
	_, err = l.s.SetUserPoolMfaConfig(ctx, &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{
		WebAuthnConfiguration: &WebAuthnConfig{FactorConfiguration: "MULTI_FACTOR_WITH_USER_VERIFICATION"}}})
	wantCode(t, err, awserr.InvalidParameter, "")

	l.mfaPool(t, "OPTIONAL", true, true)
	got, _ = l.s.GetUserPoolMfaConfig(ctx, &DescribeUserPoolInput{UserPoolId: l.poolID})
	if got.MfaConfiguration != "OPTIONAL" || !got.SoftwareTokenMfaConfiguration.Enabled || got.EmailMfaConfiguration.Subject != "Sign-in code" {
		t.Fatalf("MFA config after set: %+v", got)
	}
	// UpdateUserPool leaves the factors alone, and DescribeUserPool does not show them.
	if _, err := l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{MfaConfiguration: "ON", UserPoolTier: "PLUS"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = l.s.GetUserPoolMfaConfig(ctx, &DescribeUserPoolInput{UserPoolId: l.poolID})
	if got.MfaConfiguration != "ON" || got.SoftwareTokenMfaConfiguration == nil {
		t.Fatalf("MFA config after UpdateUserPool: %+v", got)
	}
	desc, _ := l.s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: l.poolID})
	if desc.UserPool.MFA != nil || desc.UserPool.UserPoolTier != "PLUS" || desc.UserPool.MfaConfiguration != "ON" {
		t.Fatalf("DescribeUserPool: %+v", desc.UserPool.PoolConfig)
	}
	_, err = l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{UserPoolTier: "GOLD"}})
	wantCode(t, err, awserr.InvalidParameter, "")
	_, err = l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{
		Policies: &PoolPolicies{SignInPolicy: &SignInPolicy{AllowedFirstAuthFactors: []string{"EMAIL_OTP"}}}}})
	wantCode(t, err, awserr.InvalidParameter, "AllowedFirstAuthFactors must include PASSWORD.")
}

func TestSoftwareTokenMFA(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	l.confirmedUser(t, "tess")

	// Without TOTP in the pool there is nothing to associate.
	first, err := l.signIn("tess", "First-Pass-1")
	if err != nil || first.AuthenticationResult == nil {
		t.Fatalf("sign-in without MFA: %+v %v", first, err)
	}
	access := first.AuthenticationResult.AccessToken
	_, err = l.s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{AccessToken: access})
	wantCode(t, err, "SoftwareTokenMFANotFoundException", "")

	l.mfaPool(t, "OPTIONAL", true, false)
	_, err = l.s.SetUserMFAPreference(ctx, &SetUserMFAPreferenceInput{AccessToken: access, MFAPreferences: MFAPreferences{
		SoftwareTokenMfaSettings: &MFAOptionSettings{Enabled: true, PreferredMfa: true}}})
	wantCode(t, err, awserr.InvalidParameter, "User has not verified software token mfa")
	secret := l.enrolTOTP(t, access)

	// Verified but not turned on: OPTIONAL asks nothing yet.
	if out, err := l.signIn("tess", "First-Pass-1"); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign-in with a verified, unused token: %+v %v", out, err)
	}
	if _, err := l.s.SetUserMFAPreference(ctx, &SetUserMFAPreferenceInput{AccessToken: access, MFAPreferences: MFAPreferences{
		SoftwareTokenMfaSettings: &MFAOptionSettings{Enabled: true, PreferredMfa: true}}}); err != nil {
		t.Fatal(err)
	}
	me, err := l.s.GetUser(ctx, &AccessTokenInput{AccessToken: access})
	if err != nil || strings.Join(me.UserMFASettingList, ",") != "SOFTWARE_TOKEN_MFA" || me.PreferredMfaSetting != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser MFA settings: %+v %v", me, err)
	}

	l.advance(time.Minute) // past the step the verification spent
	challenge, err := l.signIn("tess", "First-Pass-1")
	if err != nil || challenge.ChallengeName != "SOFTWARE_TOKEN_MFA" || challenge.AuthenticationResult != nil {
		t.Fatalf("sign-in with TOTP on: %+v %v", challenge, err)
	}
	_, err = l.respond("SOFTWARE_TOKEN_MFA", challenge, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": "123456"})
	wantCode(t, err, awserr.CodeMismatch, "Invalid code received for user")
	code := l.code(t, secret)
	done, err := l.respond("SOFTWARE_TOKEN_MFA", challenge, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": code})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("right TOTP code: %+v %v", done, err)
	}
	// The same session cannot finish twice, and the same code is refused in a new sign-in.
	_, err = l.respond("SOFTWARE_TOKEN_MFA", challenge, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": code})
	wantCode(t, err, awserr.CodeMismatch, "")
	again, _ := l.signIn("tess", "First-Pass-1")
	_, err = l.respond("SOFTWARE_TOKEN_MFA", again, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": code})
	wantCode(t, err, awserr.CodeMismatch, "Invalid code received for user")
	l.advance(totpPeriod * time.Second)
	fresh := l.code(t, secret)
	if done, err := l.respond("SOFTWARE_TOKEN_MFA", again, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": fresh}); err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the next step's code: %+v %v", done, err)
	}
	l.advance(totpPeriod * time.Second)
	_, err = l.respond("SOFTWARE_TOKEN_MFA", again, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": l.code(t, secret)})
	wantCode(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")

	// Wrong codes count toward the lockout the password shares.
	l.advance(totpPeriod * time.Second)
	locked, _ := l.signIn("tess", "First-Pass-1")
	for range lockoutThreshold {
		_, err = l.respond("SOFTWARE_TOKEN_MFA", locked, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": "000000"})
	}
	_, err = l.respond("SOFTWARE_TOKEN_MFA", locked, map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": l.code(t, secret)})
	wantCode(t, err, awserr.NotAuthorized, "Password attempts exceeded")
	_, err = l.signIn("tess", "First-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "Password attempts exceeded")

	// The administrator's way out for a lost phone: the token goes, MFA with it.
	l.advance(lockoutMax)
	if _, err := l.s.AdminDeleteSoftwareToken(ctx, &UserRef{UserPoolId: l.poolID, Username: "tess"}); err != nil {
		t.Fatal(err)
	}
	admin, err := l.s.AdminGetUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "tess"})
	if err != nil || len(admin.UserMFASettingList) != 0 || admin.PreferredMfaSetting != "" {
		t.Fatalf("AdminGetUser after AdminDeleteSoftwareToken: %+v %v", admin, err)
	}
	if out, err := l.signIn("tess", "First-Pass-1"); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign-in after the token was deleted: %+v %v", out, err)
	}
}

func TestMFASetupWhenRequired(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	l.mfaPool(t, "ON", true, false)
	l.confirmedUser(t, "nia")

	setup, err := l.signIn("nia", "First-Pass-1")
	if err != nil || setup.ChallengeName != "MFA_SETUP" || setup.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("MFA ON, no factor: %+v %v", setup, err)
	}
	// The setup session alone does not finish the sign-in.
	_, err = l.respond("MFA_SETUP", setup, map[string]string{"USERNAME": "nia"})
	wantCode(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")

	assoc, err := l.s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{Session: setup.Session})
	if err != nil || assoc.Session == "" {
		t.Fatalf("AssociateSoftwareToken with the session: %+v %v", assoc, err)
	}
	_, err = l.s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{Session: setup.Session, AccessToken: "x"})
	wantCode(t, err, awserr.InvalidParameter, "")
	verified, err := l.s.VerifySoftwareToken(ctx, &VerifySoftwareTokenInput{Session: assoc.Session, UserCode: l.code(t, assoc.SecretCode)})
	if err != nil || verified.Status != "SUCCESS" || verified.Session == "" {
		t.Fatalf("VerifySoftwareToken with the session: %+v %v", verified, err)
	}
	done, err := l.respond("MFA_SETUP", &AuthOutput{Session: verified.Session}, map[string]string{"USERNAME": "nia"})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("MFA_SETUP with the verified session: %+v %v", done, err)
	}

	// From now on the token is asked for.
	next, err := l.signIn("nia", "First-Pass-1")
	if err != nil || next.ChallengeName != string(signin.SoftwareTokenMFA) {
		t.Fatalf("sign-in after setup: %+v %v", next, err)
	}
}

func TestEmailMFAAndChoice(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	l.mfaPool(t, "OPTIONAL", true, true)
	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "eve", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "eve@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: "eve", Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "eve",
		MFAPreferences: MFAPreferences{EmailMfaSettings: &MFAOptionSettings{Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	out, err := l.signIn("eve", "First-Pass-1")
	if err != nil || out.ChallengeName != "EMAIL_OTP" || out.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "e***@e***" ||
		out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
		t.Fatalf("email MFA: %+v %v", out, err)
	}
	_, err = l.respond("EMAIL_OTP", out, map[string]string{"USERNAME": "eve", "EMAIL_OTP_CODE": "999999"})
	wantCode(t, err, awserr.CodeMismatch, "Invalid code received for user")
	done, err := l.respond("EMAIL_OTP", out, map[string]string{"USERNAME": "eve", "EMAIL_OTP_CODE": l.box.lastCode(t, "eve@example.com")})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("right email code: %+v %v", done, err)
	}

	// With a software token on too and neither preferred, the user chooses.
	l.enrolTOTP(t, done.AuthenticationResult.AccessToken)
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "eve",
		MFAPreferences: MFAPreferences{SoftwareTokenMfaSettings: &MFAOptionSettings{Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	choose, err := l.signIn("eve", "First-Pass-1")
	if err != nil || choose.ChallengeName != "SELECT_MFA_TYPE" || choose.ChallengeParameters["MFAS_CAN_CHOOSE"] != `["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]` {
		t.Fatalf("two factors: %+v %v", choose, err)
	}
	_, err = l.respond("SELECT_MFA_TYPE", choose, map[string]string{"USERNAME": "eve", "ANSWER": "SMS_MFA"})
	wantCode(t, err, awserr.InvalidParameter, "")
	picked, err := l.respond("SELECT_MFA_TYPE", choose, map[string]string{"USERNAME": "eve", "ANSWER": "EMAIL_OTP"})
	if err != nil || picked.ChallengeName != "EMAIL_OTP" {
		t.Fatalf("picking email: %+v %v", picked, err)
	}
	if done, err := l.respond("EMAIL_OTP", picked, map[string]string{"USERNAME": "eve", "EMAIL_OTP_CODE": l.box.lastCode(t, "eve@example.com")}); err != nil || done.AuthenticationResult == nil {
		t.Fatalf("email code after the choice: %+v %v", done, err)
	}

	// Turning the email factor off as an administrator leaves the token.
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "eve",
		MFAPreferences: MFAPreferences{EmailMfaSettings: &MFAOptionSettings{Enabled: false}}}); err != nil {
		t.Fatal(err)
	}
	if out, err := l.signIn("eve", "First-Pass-1"); err != nil || out.ChallengeName != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after turning email off: %+v %v", out, err)
	}
}

// textbox records what the service texts.
type textbox struct{ sent []sms.Message }

func (b *textbox) Send(_ context.Context, m sms.Message) error {
	b.sent = append(b.sent, m)
	return nil
}

func TestSMSMFA(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	texts := &textbox{}
	l.s.sms = texts
	if _, err := l.s.SetUserPoolMfaConfig(ctx, &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{
		MfaConfiguration: "ON", SmsMfaConfiguration: &SmsMfaConfig{SmsAuthenticationMessage: "moat code {####}",
			SmsConfiguration: map[string]any{"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "sam", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "phone_number", Value: "+15550101234"}, {Name: "phone_number_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: "sam", Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	// MFA is required and the verified phone is the user's one usable factor.
	out, err := l.signIn("sam", "First-Pass-1")
	if err != nil || out.ChallengeName != "SMS_MFA" || out.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******1234" {
		t.Fatalf("SMS MFA: %+v %v", out, err)
	}
	if len(texts.sent) != 1 || texts.sent[0].To != "+15550101234" || !strings.HasPrefix(texts.sent[0].Body, "moat code ") {
		t.Fatalf("texts sent: %+v", texts.sent)
	}
	code := strings.TrimPrefix(texts.sent[0].Body, "moat code ")
	done, err := l.respond("SMS_MFA", out, map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": code})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("right SMS code: %+v %v", done, err)
	}
	// The code was spent with the sign-in.
	again, _ := l.signIn("sam", "First-Pass-1")
	_, err = l.respond("SMS_MFA", again, map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": code})
	if e, ok := awserr.As(err); !ok || e.Code != awserr.CodeMismatch {
		if len(texts.sent) < 2 || strings.TrimPrefix(texts.sent[1].Body, "moat code ") != code { // a new code that happens to repeat is fine
			t.Fatalf("an old SMS code: %v", err)
		}
	}
}

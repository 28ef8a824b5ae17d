package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// amplifyMFAStep is what one step of amplify_mfa.mjs gave.
type amplifyMFAStep struct {
	Error       string   `json:"error"`
	IsSignedIn  bool     `json:"isSignedIn"`
	NextStep    string   `json:"nextStep"`
	Secret      string   `json:"sharedSecret"`
	Sub         string   `json:"sub"`
	Associated  bool     `json:"associated"`
	Deleted     bool     `json:"deleted"`
	Available   []string `json:"availableChallenges"`
	Credentials []struct {
		ID string `json:"id"`
		RP string `json:"rp"`
	} `json:"credentials"`
}

// TestAmplifyMFAAndPasskeys: aws-amplify v6 in headless Chromium sets up
// TOTP while signing in (CONTINUE_SIGN_IN_WITH_TOTP_SETUP → confirmSignIn)
// in a pool requiring MFA, and, with a CDP virtual authenticator, registers
// a passkey (associateWebAuthnCredential), lists it, signs in with it alone
// (USER_AUTH / WEB_AUTHN), deletes it, and then cannot sign in with it.
func TestAmplifyMFAAndPasskeys(t *testing.T) {
	node := nodeWithClients(t, "aws-amplify", "esbuild", "playwright-core")
	chromium := chromiumPath(t)
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	ctx := t.Context()
	password := "Corr3ct-Horse-" + testenv.RandomHex(4)
	newPool := func(name string, in *cip.CreateUserPoolInput, flows ...types.ExplicitAuthFlowsType) (poolID, clientID, username string) {
		in.PoolName = aws.String(name)
		pool, err := c.CreateUserPool(ctx, in)
		if err != nil {
			t.Fatalf("CreateUserPool: %v", err)
		}
		poolID = aws.ToString(pool.UserPool.Id)
		client, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("browser"), ExplicitAuthFlows: flows})
		if err != nil {
			t.Fatalf("CreateUserPoolClient: %v", err)
		}
		username = name + "-" + testenv.RandomHex(4)
		createUserIn(t, c, poolID, username)
		if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &username, Password: &password, Permanent: true}); err != nil {
			t.Fatalf("AdminSetUserPassword: %v", err)
		}
		return poolID, aws.ToString(client.UserPoolClient.ClientId), username
	}
	totpPool, totpClient, totpUser := newPool("totp", &cip.CreateUserPoolInput{})
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &totpPool, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	passkeyPool, passkeyClient, passkeyUser := newPool("passkey", &cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
		SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}}}},
		types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &passkeyPool,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypeRequired}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}

	out := runClientScript(t, []string{node, "amplify_mfa.mjs"}, nodeClientsDir,
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_PASSWORD="+password, "MOAT_CHROMIUM="+chromium,
		"MOAT_TOTP_POOL_ID="+totpPool, "MOAT_TOTP_CLIENT_ID="+totpClient, "MOAT_TOTP_USERNAME="+totpUser,
		"MOAT_PASSKEY_POOL_ID="+passkeyPool, "MOAT_PASSKEY_CLIENT_ID="+passkeyClient, "MOAT_PASSKEY_USERNAME="+passkeyUser)
	var run struct {
		Steps   map[string]amplifyMFAStep `json:"steps"`
		Targets []string                  `json:"targets"`
		Logs    []string                  `json:"logs"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &run); err != nil {
		t.Fatalf("amplify_mfa.mjs printed no result: %v\n%s", err, out)
	}
	s := run.Steps
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}
	if st := s["totpSignIn"]; st.NextStep != "CONTINUE_SIGN_IN_WITH_TOTP_SETUP" || st.Secret == "" {
		fail("signIn in a pool requiring MFA: %+v, want CONTINUE_SIGN_IN_WITH_TOTP_SETUP with a shared secret", st)
	}
	if st := s["totpConfirm"]; !st.IsSignedIn || st.Error != "" {
		fail("confirmSignIn with the TOTP code: %+v", st)
	}
	if s["totpSession"].Sub == "" {
		fail("no session after TOTP setup: %+v", s["totpSession"])
	}
	if st := s["passwordSignIn"]; !st.IsSignedIn {
		fail("password sign-in: %+v", st)
	}
	if st := s["associate"]; !st.Associated {
		fail("associateWebAuthnCredential: %+v", st)
	}
	if st := s["list"]; len(st.Credentials) != 1 || st.Credentials[0].RP != "localhost" {
		fail("listWebAuthnCredentials: %+v", st)
	}
	if st := s["passkeySignIn"]; !st.IsSignedIn || st.Error != "" {
		fail("signIn with USER_AUTH / WEB_AUTHN: %+v", st)
	}
	if st := s["delete"]; !st.Deleted {
		fail("deleteWebAuthnCredential: %+v", st)
	}
	if st := s["listAfterDelete"]; len(st.Credentials) != 0 || st.Error != "" {
		fail("listWebAuthnCredentials after the delete: %+v", st)
	}
	// Without a passkey, USER_AUTH preferring WEB_AUTHN must fall back to
	// choosing among the factors the user still has: never WEB_AUTHN again.
	if st := s["deletedPasskeySignIn"]; st.IsSignedIn || st.NextStep != "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION" || slices.Contains(st.Available, "WEB_AUTHN") {
		fail("signed in with a deleted passkey: %+v", st)
	}
	for _, want := range []string{"AssociateSoftwareToken", "VerifySoftwareToken", "StartWebAuthnRegistration", "CompleteWebAuthnRegistration",
		"ListWebAuthnCredentials", "DeleteWebAuthnCredential"} {
		if !slices.Contains(run.Targets, want) {
			fail("the page never called %s; it called %s", want, strings.Join(run.Targets, ", "))
		}
	}
	if t.Failed() {
		t.Logf("steps: %+v\ntargets: %v\npage log:\n%s", s, run.Targets, strings.Join(run.Logs, "\n"))
	}
}

package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// hostedMFAClient is an OAuth code-grant client of poolID calling back to callback.
func hostedMFAClient(t *testing.T, c *cip.Client, poolID, callback string, flows ...types.ExplicitAuthFlowsType) string {
	t.Helper()
	out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Dragon Tracker"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: flows})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return aws.ToString(out.UserPoolClient.ClientId)
}

func hostedAuthorizeURL(base, clientID, callback string) string {
	return base + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID},
		"redirect_uri": {callback}, "scope": {"openid email"}, "prompt": {"login"}}.Encode()
}

// TestHostedMFAInBrowser: the hosted pages' second factors and passkeys in
// headless Chromium. A pool requiring MFA sets up TOTP from the QR code's
// secret, refuses a wrong code, remembers the browser on request (its next
// sign-in asks no code, another browser's does); a pool with email MFA and
// passkeys asks for the code the SMTP sink received, offers a passkey the
// CDP virtual authenticator registers, and signs in with it through "Sign
// in another way". Every page is screenshot at desktop and phone widths.
func TestHostedMFAInBrowser(t *testing.T) {
	node := nodeWithClients(t, "playwright-core")
	chromium := chromiumPath(t)
	m, sink := startMoatWithMail(t, moatOptions{})
	c := m.cognito(t)
	ctx := t.Context()
	password := "Corr3ct-Horse-" + testenv.RandomHex(4)
	callbacks := freeLoopbackAddrs(t, 2)

	totpPool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("Dragons"),
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	totpPoolID := aws.ToString(totpPool.UserPool.Id)
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &totpPoolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	totpCallback := "http://" + callbacks[0] + "/callback"
	totpClient := hostedMFAClient(t, c, totpPoolID, totpCallback)
	totpUser := "tara-" + testenv.RandomHex(3)
	createUserIn(t, c, totpPoolID, totpUser)
	setPassword(t, c, totpPoolID, totpUser, password)

	passkeyPool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("Griffins"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn, types.AuthFactorTypeEmailOtp}}}})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	passkeyPoolID := aws.ToString(passkeyPool.UserPool.Id)
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &passkeyPoolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String("Your sign-in code"), Message: aws.String("Your sign-in code is {####}")},
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypeRequired}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	// The passkey pages are on http://localhost: a secure context on the
	// relying party's domain.
	passkeyCallback := "http://localhost:" + strings.Split(callbacks[1], ":")[1] + "/callback"
	passkeyClient := hostedMFAClient(t, c, passkeyPoolID, passkeyCallback, types.ExplicitAuthFlowsTypeAllowUserAuth,
		types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)
	passkeyUser := "pia-" + testenv.RandomHex(3)
	email := passkeyUser + "@example.com"
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &passkeyPoolID, Username: &passkeyUser, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &email}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	setPassword(t, c, passkeyPoolID, passkeyUser, password)
	localIdentity := strings.Replace(m.IdentityURL, "127.0.0.1", "localhost", 1)

	resultFile := filepath.Join(t.TempDir(), "result.json")
	runClientScript(t, []string{node, filepath.Join(nodeClientsDir, "hosted_mfa.mjs")}, "",
		"MOAT_TOTP_AUTHORIZE="+hostedAuthorizeURL(m.IdentityURL, totpClient, totpCallback), "MOAT_TOTP_CALLBACK="+totpCallback, "MOAT_TOTP_USERNAME="+totpUser,
		"MOAT_PASSKEY_AUTHORIZE="+hostedAuthorizeURL(localIdentity, passkeyClient, passkeyCallback), "MOAT_PASSKEY_CALLBACK="+passkeyCallback,
		"MOAT_PASSKEY_USERNAME="+passkeyUser, "MOAT_PASSKEY_EMAIL="+email, "MOAT_PASSWORD="+password,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink), "MOAT_RESULT="+resultFile, "MOAT_SCREENSHOTS="+artifactDir(t), "MOAT_CHROMIUM="+chromium)
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		SetupHeading, QRLabel, WrongSetupCode, SetupCode     string
		QRCodes, SecretLength, Credentials                   int
		SecretKept                                           bool
		RememberedLanding, RememberedCode                    string
		OtherBrowserHeading, TOTPSignInCode                  string
		EmailHeading, EmailLead, OfferHeading                string
		AfterRegistrationCode, ChooseHeading, PasskeyHeading string
		PasskeySignInCode                                    string
		Choices, Screenshots                                 []string
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	check := func(what string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: result %s", what, raw)
		}
	}
	check("MFA_SETUP page with a QR code and its secret", r.SetupHeading == "Set up an authenticator app" && r.QRCodes == 1 &&
		strings.Contains(r.QRLabel, totpUser) && r.SecretLength == 32)
	check("a wrong first code is refused with the same secret shown", strings.Contains(r.WrongSetupCode, "Code mismatch") && r.SecretKept)
	check("the right first code signs in", r.SetupCode != "")
	check("the remembered browser skips MFA", r.RememberedLanding == "client" && r.RememberedCode != "")
	check("another browser is asked for the code", r.OtherBrowserHeading == "Enter your authenticator code" && r.TOTPSignInCode != "")
	check("EMAIL_OTP page", r.EmailHeading == "Check your email" && strings.Contains(r.EmailLead, "@"))
	check("the passkey offer", r.OfferHeading == "Sign in faster with a passkey" && r.AfterRegistrationCode != "" && r.Credentials == 1)
	check("USER_AUTH's choice", r.ChooseHeading == "Choose how to sign in" && slices.Equal(r.Choices, []string{"PASSWORD", "WEB_AUTHN", "EMAIL_OTP"}))
	check("passkey sign-in", r.PasskeyHeading == "Sign in with a passkey" && r.PasskeySignInCode != "")
	check("screenshots", len(r.Screenshots) == 16)

	devices, err := c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &totpPoolID, Username: &totpUser})
	if err != nil || len(devices.Devices) != 1 {
		t.Fatalf("the remembered browser is the user's one device: %+v %v", devices, err)
	}
	for _, a := range devices.Devices[0].DeviceAttributes {
		if aws.ToString(a.Name) == "dev:device_remembered_status" && aws.ToString(a.Value) != "remembered" {
			t.Errorf("device status %s", aws.ToString(a.Value))
		}
	}
}

func setPassword(t *testing.T, c *cip.Client, poolID, username, password string) {
	t.Helper()
	if _, err := c.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &username,
		Password: &password, Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
}

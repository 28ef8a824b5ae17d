package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"

	"github.com/moat-dev/moat/internal/testenv"
)

// pythonWithPyotp is pythonWithBoto3 that also has pyotp.
func pythonWithPyotp(t *testing.T) string {
	t.Helper()
	python := pythonWithBoto3(t)
	if out, err := exec.Command(python, "-c", "import pyotp").CombinedOutput(); err != nil {
		testenv.Missing(t, "pyotp for "+python, "apt-get install -y python3-pyotp (.ci/run installs it); "+err.Error()+": "+string(out))
	}
	return python
}

// emailMFAPool makes a pool whose MFA is required and whose only factor is
// EMAIL_OTP, and whose USER_AUTH offers passwords and email codes, with the
// Go SDK: Debian's botocore has neither EmailMfaConfiguration nor SignInPolicy.
func emailMFAPool(t *testing.T, c *cip.Client) string {
	t.Helper()
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("email-mfa"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}}}})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	if _, err := c.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{UserPoolId: pool.UserPool.Id,
		MfaConfiguration:      types.UserPoolMfaTypeOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String("Your sign-in code"), Message: aws.String("Your sign-in code is {####}")},
	}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	return aws.ToString(pool.UserPool.Id)
}

// TestBoto3MFA: TOTP enrolment and sign-in with pyotp codes, MFA_SETUP for
// a new user of a pool requiring MFA, EMAIL_OTP with the code the SMTP
// server received, and USER_AUTH with that code as the only factor.
func TestBoto3MFA(t *testing.T) {
	python := pythonWithPyotp(t)
	m, sink := startMoatWithMail(t, moatOptions{})
	emailPool := emailMFAPool(t, m.cognito(t))
	runClientScript(t, []string{python, filepath.Join("clients", "python", "mfa_flow.py")}, "", append(m.adminEnv(),
		"MOAT_REGION="+m.Region,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink),
		"MOAT_EMAIL_POOL_ID="+emailPool,
	)...)
}

// TestCognitoIdentityJSMFAAndDevices: totpRequired answered with
// sendMFACode, the device the library confirms remembered, and the next
// sign-in passing by DEVICE_SRP_AUTH with no code asked.
func TestCognitoIdentityJSMFAAndDevices(t *testing.T) {
	node := nodeWithClients(t)
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	ctx := t.Context()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("devices"),
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true}})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	client, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("browser"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	username, password := "dora-"+testenv.RandomHex(4), "Corr3ct-Horse-"+testenv.RandomHex(4)
	createUserIn(t, c, poolID, username)
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &username,
		Password: &password, Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	secret := enrolTOTP(t, c, clientID, username, password)
	runClientScript(t, []string{node, "mfa_device.mjs"}, nodeClientsDir,
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_USER_POOL_ID="+poolID, "MOAT_CLIENT_ID="+clientID,
		"MOAT_USERNAME="+username, "MOAT_PASSWORD="+password, "MOAT_TOTP_SECRET="+secret)
}

// enrolTOTP signs the user in, gives them a software token and prefers it;
// it returns the token's secret.
func enrolTOTP(t *testing.T, c *cip.Client, clientID, username, password string) string {
	t.Helper()
	ctx := t.Context()
	in, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	if err != nil || in.AuthenticationResult == nil {
		t.Fatalf("InitiateAuth: %+v %v", in, err)
	}
	access := in.AuthenticationResult.AccessToken
	assoc, err := c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
	if err != nil {
		t.Fatalf("AssociateSoftwareToken: %v", err)
	}
	code, err := totp.GenerateCode(aws.ToString(assoc.SecretCode), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: &code}); err != nil {
		t.Fatalf("VerifySoftwareToken: %v", err)
	}
	if _, err := c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatalf("SetUserMFAPreference: %v", err)
	}
	return aws.ToString(assoc.SecretCode)
}

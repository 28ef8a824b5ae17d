package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

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
	runClientScript(t, []string{python, filepath.Join("clients", "python", "mfa_flow.py")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_REGION="+m.Region,
		"MOAT_ADMIN_ACCESS_KEY_ID="+m.AdminKeyID, "MOAT_ADMIN_SECRET_ACCESS_KEY="+m.AdminSecret,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink), "MOAT_EMAIL_POOL_ID="+emailPool)
}

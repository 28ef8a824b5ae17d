package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// clientScriptTimeout bounds one real-client script; each makes a few dozen
// requests to a local moat, so this is generous even on a loaded CI machine.
const clientScriptTimeout = 2 * time.Minute

const nodeClientsDir = "clients/node"

// TestBoto3UserPoolFlow runs the whole user-pool journey with boto3 and
// verifies the ID token with PyJWT from the discovery document alone.
func TestBoto3UserPoolFlow(t *testing.T) {
	python := pythonWithBoto3(t)
	moat := startMoat(t, moatOptions{})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "userpool_flow.py")}, "",
		append(moat.adminEnv(), "MOAT_REGION="+moat.Region)...)
}

// TestCognitoIdentityJSSignIn signs in with amazon-cognito-identity-js's
// USER_PASSWORD_AUTH to a pool, client and user the Go SDK set up.
func TestCognitoIdentityJSSignIn(t *testing.T) {
	identityJSSignIn(t, "USER_PASSWORD_AUTH", types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)
}

// TestCognitoIdentityJSDefaultSRPSignIn signs in with amazon-cognito-identity-js
// as most apps do, with its default USER_SRP_AUTH flow, to a client created
// with Cognito's default auth flows.
func TestCognitoIdentityJSDefaultSRPSignIn(t *testing.T) {
	identityJSSignIn(t, "")
}

// identityJSSignIn runs userpool_signin.mjs with authFlow ("" for the
// library's default) against a client allowing flows (none: Cognito's
// defaults), for a user an admin invited and gave a permanent password.
func identityJSSignIn(t *testing.T, authFlow string, flows ...types.ExplicitAuthFlowsType) {
	node := nodeWithClients(t)
	moat := startMoat(t, moatOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	idp := moat.cognito(t)

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("identity-js")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId:        aws.String(poolID),
		ClientName:        aws.String("browser"),
		ExplicitAuthFlows: flows,
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	username := "carol-" + testenv.RandomHex(4)
	email := username + "@example.com"
	password := "Corr3ct-Horse-" + testenv.RandomHex(4)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:        aws.String(poolID),
		Username:          aws.String(username),
		TemporaryPassword: aws.String("Temp-0rary-" + testenv.RandomHex(4)),
		MessageAction:     types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String(email)},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID),
		Username:   aws.String(username),
		Password:   aws.String(password),
		Permanent:  true,
	}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}

	runClientScript(t, []string{node, "userpool_signin.mjs"}, nodeClientsDir,
		"MOAT_IDENTITY_URL="+moat.IdentityURL,
		"MOAT_USER_POOL_ID="+poolID,
		"MOAT_CLIENT_ID="+aws.ToString(client.UserPoolClient.ClientId),
		"MOAT_USERNAME="+username,
		"MOAT_PASSWORD="+password,
		"MOAT_EMAIL="+email,
		"MOAT_AUTH_FLOW="+authFlow,
	)
}

// pythonWithBoto3 returns the interpreter that has boto3, PyJWT and
// cryptography: MOAT_TEST_PYTHON, else Debian's (the python3 on PATH may be
// another installation without Debian's packages).
func pythonWithBoto3(t *testing.T) string {
	t.Helper()
	python := os.Getenv("MOAT_TEST_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import boto3, jwt, cryptography").CombinedOutput(); err != nil {
		// The last line names the module that is missing; the traceback above it is noise.
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		testenv.Missing(t, "boto3/PyJWT for "+python,
			"apt-get install -y python3-boto3 python3-jwt python3-cryptography (or set MOAT_TEST_PYTHON); "+
				err.Error()+": "+lines[len(lines)-1])
	}
	return python
}

// nodeWithClients returns node, once the pinned npm clients are installed:
// amazon-cognito-identity-js and the packages a test names besides.
func nodeWithClients(t *testing.T, packages ...string) string {
	t.Helper()
	const install = "run: npm ci --prefix e2e/clients/node"
	node := testenv.LookPath(t, "node", "install Node.js 20, then "+install)
	for _, pkg := range append([]string{"amazon-cognito-identity-js"}, packages...) {
		if _, err := os.Stat(filepath.Join(nodeClientsDir, "node_modules", pkg)); err != nil {
			testenv.Missing(t, pkg, install)
		}
	}
	return node
}

// runClientScript runs a client script in dir with extra environment and
// fails the test, showing everything the script printed, unless it exits 0.
// It returns what the script printed.
// adminEnv tells a client script where moat's identity listener is and the
// admin credential to sign with.
func (m *Moat) adminEnv() []string {
	return []string{"MOAT_IDENTITY_URL=" + m.IdentityURL, "MOAT_ADMIN_ACCESS_KEY_ID=" + m.AdminKeyID, "MOAT_ADMIN_SECRET_ACCESS_KEY=" + m.AdminSecret}
}

func runClientScript(t *testing.T, argv []string, dir string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	// Keep the developer's AWS profile and metadata service out of the run:
	// the scripts name moat's endpoint and credentials explicitly.
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		t.Log(line)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %s", strings.Join(argv, " "), clientScriptTimeout)
	}
	if err != nil {
		t.Fatalf("%s: %v (its output is above)", strings.Join(argv, " "), err)
	}
	return out.String()
}

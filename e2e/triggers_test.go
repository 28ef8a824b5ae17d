package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// TestUserPoolTriggers creates trigger functions (Python, and a Go
// PreTokenGeneration V2_0) with boto3's lambda client, sets them on a pool
// and checks with boto3 and PyJWT that each runs as Cognito's does.
func TestUserPoolTriggers(t *testing.T) {
	python := pythonWithBoto3(t)
	dir := t.TempDir()
	source, err := os.ReadFile(filepath.Join("testdata", "lambda", "triggers", "lambda_function.py"))
	if err != nil {
		t.Fatal(err)
	}
	triggersZip := writeZip(t, filepath.Join(dir, "triggers.zip"), map[string]string{"lambda_function.py": string(source)})
	preTokenZip := buildGoFunction(t, dir, "pretoken", "v1")
	events := t.TempDir()

	m := startMoat(t, moatOptions{Config: functionsRoleConfig})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "triggers_flow.py")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL,
		"MOAT_ADMIN_ACCESS_KEY_ID="+m.AdminKeyID,
		"MOAT_ADMIN_SECRET_ACCESS_KEY="+m.AdminSecret,
		"MOAT_ROLE_ARN=arn:aws:iam::000000000000:role/lambda-exec",
		"MOAT_TRIGGERS_ZIP="+triggersZip, "MOAT_PRETOKEN_ZIP="+preTokenZip, "MOAT_EVENTS_DIR="+events,
	)
}

// functionsRoleConfig declares the execution role trigger functions run as.
const functionsRoleConfig = `
roles:
  - name: lambda-exec
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
`

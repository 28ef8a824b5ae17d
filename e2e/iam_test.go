package e2e

import (
	"path/filepath"
	"testing"
)

// declaredRoleConfig declares a role in the config file, its policies
// written as YAML: the trust policy and one inline policy.
const declaredRoleConfig = `
roles:
  - name: config-web
    path: /config/
    description: declared in the config file
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringEquals: {"cognito-identity.amazonaws.com:aud": "us-east-1:11111111-2222-3333-4444-555555555555"}
    policies:
      invoke: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/prod/*"}]}'
`

// TestBoto3IAMRoles drives the IAM roles API with boto3's iam client: the
// whole role and inline-policy lifecycle, IAM's errors, and a role the
// config file declares.
func TestBoto3IAMRoles(t *testing.T) {
	python := pythonWithBoto3(t)
	moat := startMoat(t, moatOptions{Config: declaredRoleConfig})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "iam_roles.py")}, "",
		append(moat.adminEnv(), "MOAT_DECLARED_ROLE=config-web")...)
}

package e2e

import (
	"path/filepath"
	"testing"
)

// TestBoto3IdentityPools runs the identity-pool journey with boto3's
// cognito-identity client, its roles made with boto3's iam client, and
// verifies the identity pool's OpenID token with PyJWT.
func TestBoto3IdentityPools(t *testing.T) {
	python := pythonWithBoto3(t)
	moat := startMoat(t, moatOptions{})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "identitypool_flow.py")}, "",
		append(moat.adminEnv(), "MOAT_REGION="+moat.Region)...)
}

package e2e

import (
	"path/filepath"
	"testing"
)

// TestBoto3WireFidelity checks with boto3 what real clients trip over:
// ExplicitAuthFlows, schema and attribute rules, aliases, and refused settings,
// against AWS's documented answers.
func TestBoto3WireFidelity(t *testing.T) {
	t.Parallel()
	python := pythonWithBoto3(t)
	const account = "123456789012" // user-pool ARNs must carry it
	m := startMoat(t, moatOptions{Args: []string{"--account-id", account}})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "wire_fidelity.py")}, "", append(m.adminEnv(),
		"MOAT_REGION="+m.Region,
		"MOAT_ACCOUNT_ID="+account,
	)...)
}

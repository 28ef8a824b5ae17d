package e2e

import (
	"path/filepath"
	"testing"
)

// TestUserImportBoto3 imports users from a CSV file with boto3, the file
// PUT to the job's PreSignedUrl as Cognito's guide does, and has an
// imported user reset the password by mail and sign in.
func TestUserImportBoto3(t *testing.T) {
	python := pythonWithBoto3(t)
	m, sink := startMoatWithMail(t, moatOptions{})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "user_import.py")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_REGION="+m.Region,
		"MOAT_ADMIN_ACCESS_KEY_ID="+m.AdminKeyID, "MOAT_ADMIN_SECRET_ACCESS_KEY="+m.AdminSecret,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink))
}

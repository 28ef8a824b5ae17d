package e2e

import (
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

// TestCustomEmailSender creates a Go CustomEmailSender with boto3's lambda
// client and checks with boto3 that the codes it opens confirm a sign-up,
// reset a password and sign an invited user in, while moat's SMTP
// delivery, configured, sends nothing.
func TestCustomEmailSender(t *testing.T) {
	python := pythonWithBoto3(t)
	dir := t.TempDir()
	senderZip := buildGoFunction(t, dir, "customsender", "v1")
	events := t.TempDir()

	sink := mailtest.NewSink(t)
	m := startMoat(t, moatOptions{Config: functionsRoleConfig, Env: []string{"MOAT_SMTP_URL=" + sink.URL(), "MOAT_SMTP_FROM=no-reply@example.com"}})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "custom_sender_flow.py")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL,
		"MOAT_ADMIN_ACCESS_KEY_ID="+m.AdminKeyID,
		"MOAT_ADMIN_SECRET_ACCESS_KEY="+m.AdminSecret,
		"MOAT_ROLE_ARN=arn:aws:iam::000000000000:role/lambda-exec",
		"MOAT_SENDER_ZIP="+senderZip, "MOAT_EVENTS_DIR="+events,
	)
	if n := sink.Count(); n != 0 {
		t.Fatalf("moat mailed %d messages for a pool whose CustomEmailSender delivers them", n)
	}
}

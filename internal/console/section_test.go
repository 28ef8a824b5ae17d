package console

import (
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/configfile"
)

func TestSection(t *testing.T) {
	t.Setenv("VIEWER_SECRET", "a-viewer-secret-long-enough")
	t.Setenv("SHORT_SECRET", "short")
	var s Section
	err := configfile.Decode([]byte(`
idleTimeout: 10m
credentials:
  - {accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: VIEWER_SECRET, console: read-only}
`), &s)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.Resolve(adminCreds)
	if err != nil || len(creds) != 1 || creds[0].Role != ReadOnly || creds[0].SecretAccessKey != "a-viewer-secret-long-enough" || s.IdleTimeout != 10*time.Minute {
		t.Fatalf("resolved %+v, %v", creds, err)
	}
	for doc, want := range map[string]string{
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: VIEWER_SECRET, console: admin}]`:             `credentials[0].console: must be "read-only"`,
		`credentials: [{accessKeyId: akia, secretFromEnv: VIEWER_SECRET, console: read-only}]`:                         `credentials[0].accessKeyId: must be 16 to 128`,
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, console: read-only}]`:                                       `needs exactly one of secretFromEnv and secretFromFile`,
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: A, secretFromFile: /b, console: read-only}]`: `needs exactly one of secretFromEnv and secretFromFile`,
		`idleTimeout: 13h`: `idleTimeout: must be between`,
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: V, console: read-only}, {accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: V, console: read-only}]`: `is given twice`,
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secret: x, console: read-only}]`:                                                                                   `secret`,
	} {
		var s Section
		err := configfile.Decode([]byte(doc), &s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
	for doc, want := range map[string]string{
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: SHORT_SECRET, console: read-only}]`:   "at least 20 characters",
		`credentials: [{accessKeyId: AKIAVIEWERCONSOLE001, secretFromEnv: UNSET_SECRET_X, console: read-only}]`: "UNSET_SECRET_X is not set",
		`credentials: [{accessKeyId: AKIAADMINCONSOLE0001, secretFromEnv: VIEWER_SECRET, console: read-only}]`:  "is the admin access key ID",
	} {
		var s Section
		if err := configfile.Decode([]byte(doc), &s); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if _, err := s.Resolve(adminCreds); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

const invitationTimeout = 10 * time.Second

// invitationBody is Cognito's default invitation; the group is the password.
var invitationBody = regexp.MustCompile(`^Your username is carol and temporary password is (\S+)\.$`)

// With MOAT_SMTP_URL set, AdminCreateUser mails the invitation through the
// SMTP server, and the temporary password in it signs the user in.
func TestInvitationIsMailed(t *testing.T) {
	t.Parallel()
	sink := mailtest.NewSink(t)
	const smtpPassword = "smtp pass/word-Zq9" // needs URL-encoding
	sink.Username, sink.Password = "moat", smtpPassword
	m := startMoat(t, moatOptions{Env: []string{
		"MOAT_SMTP_URL=" + sink.URL(),
		"MOAT_SMTP_FROM=moat <no-reply@example.com>",
	}})
	c := m.cognito(t)
	poolID := createPool(t, c, "mail")
	client := createClient(t, c, poolID, false)
	inviteCarol(t, c, poolID)

	got := sink.Wait(t, "carol@example.com", invitationTimeout)
	if got.Subject != "Your temporary password" || got.MailFrom != "no-reply@example.com" || got.AuthUser != "moat" {
		t.Errorf("Subject %q, MAIL FROM %q, AUTH user %q", got.Subject, got.MailFrom, got.AuthUser)
	}
	match := invitationBody.FindStringSubmatch(got.Body)
	if match == nil {
		t.Fatalf("invitation body %q does not match %s", got.Body, invitationBody)
	}
	res, err := passwordAuth(t, c, client, "carol", match[1])
	if err != nil {
		t.Fatalf("sign in with the mailed temporary password: %v", err)
	}
	if res.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("sign in with the temporary password: challenge %q, want NEW_PASSWORD_REQUIRED", res.ChallengeName)
	}

	log := m.log.tail(1 << 20)
	if strings.Contains(log, smtpPassword) || strings.Contains(log, match[1]) {
		t.Errorf("moat's log shows the SMTP password or the mailed temporary password:\n%s", log)
	}
	if n := sink.Count(); n != 1 {
		t.Errorf("the sink received %d messages, want 1", n)
	}
}

// Without MOAT_SMTP_URL the same invitation is written to moat's log.
func TestInvitationIsLoggedWithoutSMTP(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	poolID := createPool(t, c, "mail")
	inviteCarol(t, c, poolID)

	deadline := time.Now().Add(invitationTimeout)
	for {
		log := m.log.tail(1 << 20)
		if strings.Contains(log, "email not sent") && strings.Contains(log, "carol@example.com") &&
			strings.Contains(log, "Your username is carol and temporary password is ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the invitation to carol is not in moat's log:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// inviteCarol creates carol with an email address and lets moat send the
// invitation (no MessageAction: SUPPRESS).
func inviteCarol(t *testing.T, c *cip.Client, poolID string) {
	t.Helper()
	_, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: &poolID,
		Username:   aws.String("carol"),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("carol@example.com")},
		},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser carol: %v", err)
	}
}

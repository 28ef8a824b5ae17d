package userpool

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
)

// failingMail refuses every message, as an SMTP server that is down does.
type failingMail struct{}

func (failingMail) Send(context.Context, mail.Message) error {
	return errors.New("dial tcp 127.0.0.1:2525: connect: connection refused")
}

// TestSignUpWhenMailFails: the user is created, the answer is Cognito's
// CodeDeliveryFailureException (not a 500), the cause is logged, and a new
// code can be asked for once mail works.
func TestSignUpWhenMailFails(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	var logs bytes.Buffer
	l.s.log = slog.New(slog.NewTextHandler(&logs, nil))
	l.s.mail = failingMail{}
	_, err := l.s.SignUp(ctx, testCaller, &SignUpInput{ClientId: l.clientID, Username: "ivan", Password: "First-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: "ivan@example.com"}}})
	wantCode(t, err, awserr.CodeDeliveryFailure, "")
	if !strings.Contains(logs.String(), "connection refused") {
		t.Fatalf("the cause is not logged: %s", logs.String())
	}
	u, err := l.s.AdminGetUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "ivan"})
	if err != nil || u.UserStatus != "UNCONFIRMED" {
		t.Fatalf("the user must stay, unconfirmed: %+v %v", u, err)
	}
	l.s.mail = l.box
	if _, err := l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "ivan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "ivan", ConfirmationCode: l.box.lastCode(t, "ivan@example.com")}); err != nil {
		t.Fatal(err)
	}
}

// TestRevokeTokenRefusesAccessTokens: RevokeToken takes refresh tokens.
func TestRevokeTokenRefusesAccessTokens(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.confirmedUser(t, "jo")
	out, err := l.signIn("jo", "First-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{out.AuthenticationResult.AccessToken, out.AuthenticationResult.IdToken} {
		_, err = l.s.RevokeToken(ctx, &RevokeTokenInput{ClientId: l.clientID, Token: token})
		wantCode(t, err, awserr.UnsupportedTokenType, "")
	}
	if _, err := l.s.GetUser(ctx, &AccessTokenInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("a refused revocation ended the session: %v", err)
	}
	if _, err := l.s.RevokeToken(ctx, &RevokeTokenInput{ClientId: l.clientID, Token: "not.a.jwt"}); err != nil {
		t.Fatalf("an unknown token is accepted silently: %v", err)
	}
}

// TestDisabledUserWrongPassword: a disabled user's wrong password is a
// wrong password; only the right one learns the account is disabled.
func TestDisabledUserWrongPassword(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	l.confirmedUser(t, "kim")
	if _, err := l.s.AdminDisableUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "kim"}); err != nil {
		t.Fatal(err)
	}
	_, err := l.signIn("kim", "Wrong-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	_, err = l.signIn("kim", "First-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "User is disabled.")
}

// TestHiddenUsersGetCodeMismatch: with user existence hidden, confirming a
// code for an unknown user fails as a wrong code does; with LEGACY it is
// UserNotFoundException.
func TestHiddenUsersGetCodeMismatch(t *testing.T) {
	ctx := context.Background()
	for prevent, want := range map[string]string{"ENABLED": awserr.CodeMismatch, "LEGACY": awserr.UserNotFound} {
		l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), prevent)
		l.signUp(t, "real", "real@example.com")
		_, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "real", ConfirmationCode: "000000"})
		wantCode(t, err, awserr.CodeMismatch, "Invalid verification code provided, please try again.")
		_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "ghost", ConfirmationCode: "000000"})
		wantCode(t, err, want, "")
		_, err = l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "ghost", ConfirmationCode: "000000", Password: "New-Pass-1"})
		wantCode(t, err, want, "")
		if prevent == "ENABLED" {
			_, err = l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "ghost", ConfirmationCode: "000000", Password: "weak"})
			wantCode(t, err, awserr.InvalidPassword, "") // the policy is checked as for a real user
			out, err := l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "ghost"})
			if err != nil || out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != "EMAIL" {
				t.Fatalf("ResendConfirmationCode for an unknown user: %+v %v", out, err)
			}
		}
	}
}

// TestParallelWrongPasswordsStopAtTheThreshold: attempts are counted before
// they are checked, so however many run at once no more than the threshold
// are checked, and the right password after them is refused.
func TestParallelWrongPasswordsStopAtTheThreshold(t *testing.T) {
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.confirmedUser(t, "lee")
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[string]int{}
	for range 2*lockoutThreshold + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A busy hashing pool turns an attempt away uncounted; the
			// client tries again, as the SDKs do, so all of them are made.
			_, err := l.signIn("lee", "Wrong-Pass-1")
			for e, _ := awserr.As(err); e != nil && e.Code == awserr.TooManyRequests; e, _ = awserr.As(err) {
				time.Sleep(20 * time.Millisecond)
				_, err = l.signIn("lee", "Wrong-Pass-1")
			}
			e, _ := awserr.As(err)
			mu.Lock()
			answers[e.Code+": "+e.Message]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if answers["NotAuthorizedException: Incorrect username or password."] > lockoutThreshold {
		t.Fatalf("more than %d passwords were checked: %v", lockoutThreshold, answers)
	}
	_, err := l.signIn("lee", "First-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "Password attempts exceeded")
}

// confirmedUser makes a confirmed user with password First-Pass-1.
func (l *lifecycle) confirmedUser(t *testing.T, username string) {
	t.Helper()
	ctx := context.Background()
	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: username, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: username, Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
}

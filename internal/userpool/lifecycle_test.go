package userpool

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/usage"
)

// mailbox records what the service mails, standing in for an inbox.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailbox) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// lastCode returns the code in the newest message to addr.
func (m *mailbox) lastCode(t *testing.T, addr string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To == addr {
			if code := sixDigits.FindString(m.sent[i].Body); code != "" {
				return code
			}
		}
	}
	t.Fatalf("no code was mailed to %s", addr)
	return ""
}

type lifecycle struct {
	s        *Service
	box      *mailbox
	clock    *time.Time
	poolID   string
	clientID string
}

func newLifecycle(t *testing.T, dbPath string, prevent string) *lifecycle {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	box := &mailbox{}
	s, err := New(ctx, Config{Store: st, Tokens: tokens.NewService(st, "http://moat.test"), Region: "us-east-1", Mail: box})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.now = func() time.Time { return now }
	l := &lifecycle{s: s, box: box, clock: &now}
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "life", PoolConfig: PoolConfig{AutoVerifiedAttributes: []string{"email"}}})
	if err != nil {
		t.Fatal(err)
	}
	l.poolID = pool.UserPool.Id
	c, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "app",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, PreventUserExistenceErrors: prevent}})
	if err != nil {
		t.Fatal(err)
	}
	l.clientID = c.UserPoolClient.ClientId
	return l
}

func (l *lifecycle) advance(d time.Duration) { *l.clock = l.clock.Add(d) }

func (l *lifecycle) signIn(username, pw string) (*AuthOutput, error) {
	return l.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: l.clientID,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": pw}})
}

func (l *lifecycle) signUp(t *testing.T, username, email string) {
	t.Helper()
	out, err := l.s.SignUp(context.Background(), testCaller, &SignUpInput{ClientId: l.clientID, Username: username, Password: "First-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: email}}})
	if err != nil {
		t.Fatal(err)
	}
	if out.UserConfirmed || out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.Destination != maskEmail(email) {
		t.Fatalf("SignUp answer: %+v", out)
	}
}

func TestSignUpConfirmAndCodes(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.signUp(t, "carol", "carol@example.com")
	if got := maskEmail("carol@example.com"); got != "c***@e***" {
		t.Fatalf("mask = %s", got)
	}
	_, err := l.s.SignUp(ctx, testCaller, &SignUpInput{ClientId: l.clientID, Username: "carol", Password: "First-Pass-1"})
	wantCode(t, err, awserr.UsernameExists, "User already exists")
	_, err = l.s.SignUp(ctx, testCaller, &SignUpInput{ClientId: l.clientID, Username: "weak", Password: "short"})
	wantCode(t, err, awserr.InvalidPassword, "Password did not conform with policy: Password not long enough")

	_, err = l.signIn("carol", "First-Pass-1")
	wantCode(t, err, awserr.UserNotConfirmed, "User is not confirmed.")
	code := l.box.lastCode(t, "carol@example.com")
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "carol", ConfirmationCode: wrong})
	wantCode(t, err, awserr.CodeMismatch, "Invalid verification code provided, please try again.")
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "carol", ConfirmationCode: code}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "carol", ConfirmationCode: code})
	wantCode(t, err, awserr.NotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")
	got, _ := l.s.AdminGetUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "carol"})
	if attrs := attributeMap(got.UserAttributes); attrs["email_verified"] != "true" {
		t.Fatalf("confirmed user's email is not verified: %v", attrs)
	}
	if _, err := l.signIn("carol", "First-Pass-1"); err != nil {
		t.Fatal(err)
	}

	// Expired and exhausted codes.
	l.signUp(t, "dave", "dave@example.com")
	l.advance(signUpCodeLife + time.Second)
	_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "dave", ConfirmationCode: l.box.lastCode(t, "dave@example.com")})
	wantCode(t, err, awserr.ExpiredCode, "Invalid code provided, please request a code again.")
	if _, err := l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "dave"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= maxWrongCodeTries; i++ {
		_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "dave", ConfirmationCode: "12345x"})
		if i < maxWrongCodeTries {
			wantCode(t, err, awserr.CodeMismatch, "")
		} else {
			wantCode(t, err, awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
	}
	_, err = l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "dave", ConfirmationCode: l.box.lastCode(t, "dave@example.com")})
	wantCode(t, err, awserr.ExpiredCode, "")
}

func TestForgotPasswordAndLockout(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.signUp(t, "erin", "erin@example.com")
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "erin", ConfirmationCode: l.box.lastCode(t, "erin@example.com")}); err != nil {
		t.Fatal(err)
	}
	for range lockoutThreshold {
		_, err := l.signIn("erin", "Wrong-Pass-1")
		wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	}
	_, err := l.signIn("erin", "First-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "Password attempts exceeded")
	l.advance(2 * time.Second)
	if _, err := l.signIn("erin", "First-Pass-1"); err != nil {
		t.Fatalf("after the lockout a right password must work: %v", err)
	}
	if _, err := l.signIn("erin", "Wrong-Pass-1"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if _, err := l.signIn("erin", "First-Pass-1"); err != nil {
		t.Fatalf("a success reset the count, so one failure must not lock: %v", err)
	}

	out, err := l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "erin"})
	if err != nil || out.CodeDeliveryDetails.Destination != "e***@e***" {
		t.Fatalf("ForgotPassword: %+v %v", out, err)
	}
	code := l.box.lastCode(t, "erin@example.com")
	_, err = l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "erin", ConfirmationCode: code, Password: "weak"})
	wantCode(t, err, awserr.InvalidPassword, "")
	if _, err := l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "erin", ConfirmationCode: code, Password: "Second-Pass-2"}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "erin", ConfirmationCode: code, Password: "Third-Pass-3"})
	wantCode(t, err, awserr.ExpiredCode, "")
	if _, err := l.signIn("erin", "Second-Pass-2"); err != nil {
		t.Fatal(err)
	}

	// A reset code lives one hour.
	if _, err := l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "erin"}); err != nil {
		t.Fatal(err)
	}
	l.advance(resetCodeLife + time.Second)
	_, err = l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "erin", ConfirmationCode: l.box.lastCode(t, "erin@example.com"), Password: "Third-Pass-3"})
	wantCode(t, err, awserr.ExpiredCode, "")
}

func TestUnknownUsersLookReal(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	l.signUp(t, "frank", "frank@example.com")
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "frank", ConfirmationCode: l.box.lastCode(t, "frank@example.com")}); err != nil {
		t.Fatal(err)
	}
	_, known := l.signIn("frank", "Wrong-Pass-1")
	_, unknown := l.signIn("nobody", "Wrong-Pass-1")
	if known.Error() != unknown.Error() {
		t.Fatalf("unknown user answers %v, wrong password %v", unknown, known)
	}
	out, err := l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "nobody"})
	if err != nil || out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != "EMAIL" {
		t.Fatalf("ForgotPassword for an unknown user must look real: %+v %v", out, err)
	}
	again, _ := l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "nobody"})
	if again.CodeDeliveryDetails.Destination != out.CodeDeliveryDetails.Destination {
		t.Fatal("the decoy destination changes between calls, which gives the decoy away")
	}
	if _, err := l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "nobody"}); err != nil {
		t.Fatalf("ResendConfirmationCode for an unknown user: %v", err)
	}
}

func TestSelfServiceAndSignOut(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.signUp(t, "gina", "gina@example.com")
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "gina", ConfirmationCode: l.box.lastCode(t, "gina@example.com")}); err != nil {
		t.Fatal(err)
	}
	auth, err := l.signIn("gina", "First-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	access := auth.AuthenticationResult.AccessToken
	_, err = l.s.ChangePassword(ctx, &ChangePasswordInput{AccessToken: access, PreviousPassword: "Wrong-Pass-1", ProposedPassword: "Second-Pass-2"})
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	if _, err := l.s.ChangePassword(ctx, &ChangePasswordInput{AccessToken: access, PreviousPassword: "First-Pass-1", ProposedPassword: "Second-Pass-2"}); err != nil {
		t.Fatal(err)
	}
	upd, err := l.s.UpdateUserAttributes(ctx, &UpdateUserAttributesInput{AccessToken: access, UserAttributes: []AttributeType{{Name: "email", Value: "gina@new.example"}}})
	if err != nil || len(upd.CodeDeliveryDetailsList) != 1 || upd.CodeDeliveryDetailsList[0].Destination != "g***@n***" {
		t.Fatalf("UpdateUserAttributes: %+v %v", upd, err)
	}
	me, _ := l.s.GetUser(ctx, &AccessTokenInput{AccessToken: access})
	if attrs := attributeMap(me.UserAttributes); attrs["email"] != "gina@new.example" || attrs["email_verified"] != "false" {
		t.Fatalf("after an email change: %v", attrs)
	}
	if _, err := l.s.VerifyUserAttribute(ctx, &VerifyUserAttributeInput{AccessToken: access, AttributeName: "email", Code: l.box.lastCode(t, "gina@new.example")}); err != nil {
		t.Fatal(err)
	}
	me, _ = l.s.GetUser(ctx, &AccessTokenInput{AccessToken: access})
	if attributeMap(me.UserAttributes)["email_verified"] != "true" {
		t.Fatal("VerifyUserAttribute did not verify the email")
	}
	_, err = l.s.UpdateUserAttributes(ctx, &UpdateUserAttributesInput{AccessToken: access, UserAttributes: []AttributeType{{Name: "email_verified", Value: "true"}}})
	wantCode(t, err, awserr.NotAuthorized, "")

	if _, err := l.s.GlobalSignOut(ctx, &AccessTokenInput{AccessToken: access}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.GetUser(ctx, &AccessTokenInput{AccessToken: access})
	wantCode(t, err, awserr.NotAuthorized, "Access Token has been revoked")
	_, err = l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: l.clientID, AuthParameters: map[string]string{"REFRESH_TOKEN": auth.AuthenticationResult.RefreshToken}})
	wantCode(t, err, awserr.NotAuthorized, "Refresh Token has been revoked")

	// RevokeToken ends one session only.
	one, _ := l.signIn("gina", "Second-Pass-2")
	two, _ := l.signIn("gina", "Second-Pass-2")
	if _, err := l.s.RevokeToken(ctx, &RevokeTokenInput{ClientId: l.clientID, Token: one.AuthenticationResult.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.GetUser(ctx, &AccessTokenInput{AccessToken: one.AuthenticationResult.AccessToken})
	wantCode(t, err, awserr.NotAuthorized, "Access Token has been revoked")
	if _, err := l.s.GetUser(ctx, &AccessTokenInput{AccessToken: two.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("revoking one session ended another: %v", err)
	}
	if _, err := l.s.DeleteUser(ctx, &AccessTokenInput{AccessToken: two.AuthenticationResult.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.AdminGetUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "gina"})
	wantCode(t, err, awserr.UserNotFound, "")
}

func TestPendingConfirmationSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "moat.db")
	first := newLifecycle(t, db, "LEGACY")
	first.signUp(t, "hank", "hank@example.com")
	code := first.box.lastCode(t, "hank@example.com")

	st, err := sqlstore.OpenSQLite(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	second, err := New(ctx, Config{Store: st, Tokens: tokens.NewService(st, "http://moat.test"), Region: "us-east-1", Mail: &mailbox{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: first.clientID, Username: "hank", ConfirmationCode: code}); err != nil {
		t.Fatalf("a code issued before the restart: %v", err)
	}
}

func attributeMap(attrs []AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range attrs {
		m[a.Name] = a.Value
	}
	return m
}

// memoryBuckets spends from usage's in-memory limiter, as cmd/moat wires it.
type memoryBuckets struct{ *usage.MemoryLimiter }

func (b memoryBuckets) Take(ctx context.Context, key string, perSecond float64, burst int) (bool, error) {
	d, err := b.Allow(ctx, key, perSecond, burst)
	return d.Allowed, err
}

func TestRateLimits(t *testing.T) {
	ctx := context.Background()
	from := netip.MustParseAddr("192.0.2.7")
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	l.s.limiter = throttle.New(memoryBuckets{usage.NewMemoryLimiter(1000, func() time.Time { return *l.clock })}, &throttle.Limits{
		SignInPerIP:   throttle.Rate{PerMinute: 60, Burst: 3},
		SignInPerUser: throttle.Rate{PerMinute: 60, Burst: 100},
		SignUpPerIP:   throttle.Rate{PerMinute: 60, Burst: 2},
		CodesPerUser:  throttle.Rate{PerMinute: 1, Burst: 1},
	})
	signIn := func(caller netip.Addr, user string) error {
		_, err := l.s.InitiateAuth(ctx, caller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: l.clientID,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Wrong-Pass-1"}})
		return err
	}
	for i := range 3 {
		wantCode(t, signIn(from, fmt.Sprint("user", i)), awserr.UserNotFound, "")
	}
	wantCode(t, signIn(from, "user9"), awserr.TooManyRequests, "Too many requests")
	if err := signIn(netip.MustParseAddr("192.0.2.8"), "user9"); errors.Is(err, throttle.ErrTooManyRequests) {
		t.Fatal("one address's budget was charged to another")
	}
	// A caller's address is required: an entry point that forgot it fails
	// instead of skipping the per-address limit.
	wantCode(t, signIn(netip.Addr{}, "user9"), awserr.InternalError, "")
	l.advance(time.Second)
	wantCode(t, signIn(from, "user9"), awserr.UserNotFound, "")

	for i := range 2 {
		l.signUpFrom(t, from, fmt.Sprintf("new%d", i))
	}
	_, err := l.s.SignUp(ctx, from, &SignUpInput{ClientId: l.clientID, Username: "new9", Password: "First-Pass-1"})
	wantCode(t, err, awserr.TooManyRequests, "")

	if _, err := l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "new0"}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.ResendConfirmationCode(ctx, &ResendConfirmationCodeInput{ClientId: l.clientID, Username: "new0"})
	wantCode(t, err, awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
}

func (l *lifecycle) signUpFrom(t *testing.T, caller netip.Addr, username string) {
	t.Helper()
	if _, err := l.s.SignUp(context.Background(), caller, &SignUpInput{ClientId: l.clientID, Username: username, Password: "First-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: username + "@example.com"}}}); err != nil {
		t.Fatal(err)
	}
}

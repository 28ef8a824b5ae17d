package userpool

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tokens"
)

// newTestService runs the domain on a real SQLite store.
func newTestService(t testing.TB) *Service {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	svc, err := New(ctx, Config{Store: st, Tokens: tokens.NewService(st, "http://moat.test"), Region: "us-east-1",
		Mail: mail.LogSender{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// newTestPool creates a user pool of Cognito's defaults on s and returns
// its ID.
func newTestPool(t testing.TB, s *Service) string {
	t.Helper()
	pool, err := s.CreateUserPool(context.Background(), &CreateUserPoolInput{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return pool.UserPool.Id
}

// testCaller is the address tests sign in from.
var testCaller = netip.MustParseAddr("192.0.2.1")

func wantCode(t *testing.T, err error, code, message string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code || (message != "" && e.Message != message) {
		t.Fatalf("got error %v; want %s: %s", err, code, message)
	}
}

func TestPasswordSignInFlow(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	c, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "web", GenerateSecret: true,
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID, secret := c.UserPoolClient.ClientId, c.UserPoolClient.ClientSecret
	hash := base64.StdEncoding.EncodeToString(secretHash(secret, "alice", clientID))

	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "alice", TemporaryPassword: "Temp-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: "alice@example.com"}}, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "alice", MessageAction: "SUPPRESS"})
	wantCode(t, err, awserr.UsernameExists, "User account already exists")

	auth := func(pw, secretHash string) (*AuthOutput, error) {
		return s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": pw, "SECRET_HASH": secretHash}})
	}
	_, err = auth("Temp-Pass-1", "")
	wantCode(t, err, awserr.NotAuthorized, "Client "+clientID+" is configured with secret but SECRET_HASH was not received")
	_, err = auth("Temp-Pass-1", "bm9wZQ==")
	wantCode(t, err, awserr.NotAuthorized, "Unable to verify secret hash for client "+clientID)
	_, err = auth("Wrong-Pass-1", hash)
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")

	challenge, err := auth("Temp-Pass-1", hash)
	if err != nil || challenge.ChallengeName != "NEW_PASSWORD_REQUIRED" || challenge.Session == "" {
		t.Fatalf("temporary password: %+v %v", challenge, err)
	}
	_, err = s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session: challenge.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "weak", "SECRET_HASH": hash}})
	wantCode(t, err, awserr.InvalidPassword, "Password did not conform with policy: Password not long enough")
	_, err = s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session: challenge.Session + "x", ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "Final-Pass-1", "SECRET_HASH": hash}})
	wantCode(t, err, awserr.NotAuthorized, "")
	done, err := s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session: challenge.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "Final-Pass-1", "SECRET_HASH": hash}})
	if err != nil || done.AuthenticationResult == nil || done.AuthenticationResult.RefreshToken == "" {
		t.Fatalf("new password: %+v %v", done, err)
	}

	me, err := s.GetUser(ctx, &AccessTokenInput{AccessToken: done.AuthenticationResult.AccessToken})
	if err != nil || me.Username != "alice" {
		t.Fatalf("GetUser: %+v %v", me, err)
	}
	idClaims, err := s.tokens.Verify(ctx, done.AuthenticationResult.IdToken)
	if err != nil || idClaims.Raw["email"] != "alice@example.com" || idClaims.Raw["aud"] != clientID || idClaims.Raw["email_verified"] != nil {
		t.Fatalf("ID token claims: %+v %v", idClaims, err)
	}

	refresh := func() (*AuthOutput, error) {
		return s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": done.AuthenticationResult.RefreshToken, "SECRET_HASH": hash}})
	}
	if r, err := refresh(); err != nil || r.AuthenticationResult.RefreshToken != "" || r.AuthenticationResult.AccessToken == "" {
		t.Fatalf("refresh: %+v %v", r, err)
	}
	if _, err := s.AdminUserGlobalSignOut(ctx, &UserRef{UserPoolId: poolID, Username: "alice"}); err != nil {
		t.Fatal(err)
	}
	_, err = refresh()
	wantCode(t, err, awserr.NotAuthorized, "Refresh Token has been revoked")
	_, err = s.GetUser(ctx, &AccessTokenInput{AccessToken: done.AuthenticationResult.AccessToken})
	wantCode(t, err, awserr.NotAuthorized, "Access Token has been revoked")
}

func TestUnknownUserAnswers(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	for _, prevent := range []string{"LEGACY", "ENABLED"} {
		c, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: prevent,
			ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: prevent}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: c.UserPoolClient.ClientId,
			AuthParameters: map[string]string{"USERNAME": "nobody", "PASSWORD": "Some-Pass-1"}})
		if prevent == "LEGACY" {
			wantCode(t, err, awserr.UserNotFound, "User does not exist.")
		} else {
			wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
		}
	}
}

func TestEmailAsUsername(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{UsernameAttributes: []string{"email"},
		UsernameConfiguration: &UsernameConfiguration{CaseSensitive: boolPtr(false)}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	created, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "Bob@Example.com", MessageAction: "SUPPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	if created.User.Username == "Bob@Example.com" {
		t.Fatal("email-as-username pool kept the email as the username; Cognito uses the sub")
	}
	_, err = s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "not-an-email", MessageAction: "SUPPRESS"})
	wantCode(t, err, awserr.InvalidParameter, "Username should be either an email or a phone number.")
	got, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: "Bob@Example.com"})
	if err != nil || got.Username != created.User.Username {
		t.Fatalf("lookup by email: %+v %v", got, err)
	}
	_, err = s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "Bob@Example.com", MessageAction: "SUPPRESS"})
	wantCode(t, err, awserr.UsernameExists, "")
}

func TestPasswordPolicyMessages(t *testing.T) {
	pp := defaultPasswordPolicy
	for pw, want := range map[string]string{
		"Ab1!":         "Password not long enough",
		"abcdefg1!":    "Password must have uppercase characters",
		"ABCDEFG1!":    "Password must have lowercase characters",
		"Abcdefgh!":    "Password must have numeric characters",
		"Abcdefgh1":    "Password must have symbol characters",
		" Abcdefgh1! ": "Password cannot begin or end with whitespace",
	} {
		err := checkPassword(pp, pw)
		wantCode(t, err, awserr.InvalidPassword, "Password did not conform with policy: "+want)
	}
	if err := checkPassword(pp, "Abcdefg1!"); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if err := checkPassword(pp, temporaryPassword(pp)); err != nil {
			t.Fatalf("generated temporary password breaks the policy: %v", err)
		}
	}
}

package userpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/srp/srptest"
)

// srpFixture is a pool with a confirmed user "alice" and a clock under the
// test's control.
type srpFixture struct {
	s        *Service
	now      time.Time
	poolID   string
	clientID string
	secret   string
}

func newSRPFixture(t *testing.T, client ClientConfig, secret bool) *srpFixture {
	ctx := context.Background()
	f := &srpFixture{s: newTestService(t), now: time.Date(2026, 11, 5, 14, 3, 9, 0, time.UTC)}
	f.s.now = func() time.Time { return f.now }
	f.poolID = newTestPool(t, f.s)
	c, err := f.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: f.poolID, ClientName: "web", GenerateSecret: secret, ClientConfig: client})
	if err != nil {
		t.Fatal(err)
	}
	f.clientID, f.secret = c.UserPoolClient.ClientId, c.UserPoolClient.ClientSecret
	if _, err := f.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: f.poolID, Username: "alice", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "alice@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: f.poolID, Username: "alice", Password: "Right-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *srpFixture) initiate(c srptest.Client, username string, extra map[string]string) (*AuthOutput, error) {
	params := map[string]string{"USERNAME": username, "SRP_A": c.A()}
	for k, v := range extra {
		params[k] = v
	}
	return f.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "USER_SRP_AUTH", ClientId: f.clientID, AuthParameters: params})
}

// signIn runs both steps with the given password and TIMESTAMP ("" for now).
func (f *srpFixture) signIn(t *testing.T, password, timestamp string, extra map[string]string) (*AuthOutput, error) {
	t.Helper()
	c := srptest.NewClient()
	challenge, err := f.initiate(c, "alice", extra)
	if err != nil {
		return nil, err
	}
	if timestamp == "" {
		timestamp = f.now.Format("Mon Jan 2 15:04:05 UTC 2006")
	}
	return f.respond(challenge, c.Sign(t, f.poolID, password, challenge.ChallengeParameters, timestamp), timestamp, extra)
}

func (f *srpFixture) respond(challenge *AuthOutput, signature, timestamp string, extra map[string]string) (*AuthOutput, error) {
	responses := map[string]string{
		"USERNAME":                    challenge.ChallengeParameters["USER_ID_FOR_SRP"],
		"PASSWORD_CLAIM_SECRET_BLOCK": challenge.ChallengeParameters["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE":    signature,
		"TIMESTAMP":                   timestamp,
	}
	for k, v := range extra {
		responses[k] = v
	}
	return f.s.RespondToAuthChallenge(context.Background(), testCaller, &RespondToAuthChallengeInput{ClientId: f.clientID,
		ChallengeName: "PASSWORD_VERIFIER", ChallengeResponses: responses})
}

func TestSRPSignIn(t *testing.T) {
	ctx := context.Background()
	f := newSRPFixture(t, ClientConfig{}, false) // default flows include ALLOW_USER_SRP_AUTH
	c := srptest.NewClient()
	challenge, err := f.initiate(c, "alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := challenge.ChallengeParameters
	if challenge.ChallengeName != "PASSWORD_VERIFIER" || challenge.Session != "" || p["USERNAME"] != "alice" || p["USER_ID_FOR_SRP"] != "alice" ||
		strings.HasPrefix(p["SALT"], "0") || p["SRP_B"] != strings.ToLower(p["SRP_B"]) {
		t.Fatalf("challenge: %+v", challenge)
	}
	ts := f.now.Format("Mon Jan 2 15:04:05 UTC 2006")
	if ts != "Thu Nov 5 14:03:09 UTC 2026" {
		t.Fatalf("test timestamp %q", ts)
	}
	signature := c.Sign(t, f.poolID, "Right-Pass-1", p, ts)
	done, err := f.respond(challenge, signature, ts, nil)
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("right password: %+v %v", done, err)
	}
	// The test's clock is fixed in the past, so read the claims unverified.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(done.AuthenticationResult.IdToken, ".")[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims["email"] != "alice@example.com" || claims["cognito:username"] != "alice" {
		t.Fatalf("ID token: %s %v", payload, err)
	}

	// The same proof cannot be replayed, even within the block's life.
	_, err = f.respond(challenge, signature, ts, nil)
	wantCode(t, err, awserr.NotAuthorized, "")

	// A secret block outlives neither its expiry...
	c = srptest.NewClient()
	challenge, err = f.initiate(c, "alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(4 * time.Minute)
	ts = f.now.Format("Mon Jan 2 15:04:05 UTC 2006")
	_, err = f.respond(challenge, c.Sign(t, f.poolID, "Right-Pass-1", challenge.ChallengeParameters, ts), ts, nil)
	wantCode(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")
	// ...nor tampering.
	c = srptest.NewClient()
	challenge, _ = f.initiate(c, "alice", nil)
	tampered := []byte(challenge.ChallengeParameters["SECRET_BLOCK"])
	tampered[20] ^= 1
	challenge.ChallengeParameters["SECRET_BLOCK"] = string(tampered)
	_, err = f.respond(challenge, "c2ln", ts, nil)
	wantCode(t, err, awserr.NotAuthorized, "")

	// The secret block may come back as the Session instead.
	c = srptest.NewClient()
	challenge, _ = f.initiate(c, "alice", nil)
	_, err = f.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: f.clientID, ChallengeName: "PASSWORD_VERIFIER",
		Session: challenge.ChallengeParameters["SECRET_BLOCK"], ChallengeResponses: map[string]string{
			"USERNAME": "alice", "TIMESTAMP": ts, "PASSWORD_CLAIM_SECRET_BLOCK": challenge.ChallengeParameters["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE": c.Sign(t, f.poolID, "Right-Pass-1", challenge.ChallengeParameters, ts)}})
	if err != nil {
		t.Fatal(err)
	}

	// AdminInitiateAuth offers the flow too.
	c = srptest.NewClient()
	challenge, err = f.s.AdminInitiateAuth(ctx, testCaller, &AdminInitiateAuthInput{UserPoolId: f.poolID, InitiateAuthInput: InitiateAuthInput{
		AuthFlow: "USER_SRP_AUTH", ClientId: f.clientID, AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": c.A()}}})
	if err != nil || challenge.ChallengeName != "PASSWORD_VERIFIER" {
		t.Fatalf("AdminInitiateAuth: %+v %v", challenge, err)
	}
}

func TestSRPWrongPasswordAndLockout(t *testing.T) {
	f := newSRPFixture(t, ClientConfig{}, false)
	for range lockoutThreshold {
		_, err := f.signIn(t, "Wrong-Pass-1", "", nil)
		wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	}
	_, err := f.signIn(t, "Right-Pass-1", "", nil)
	wantCode(t, err, awserr.NotAuthorized, "Password attempts exceeded")
	// Failed SRP proofs and failed passwords share one count.
	_, err = f.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: f.clientID,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Right-Pass-1"}})
	wantCode(t, err, awserr.InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
	f.now = f.now.Add(2 * time.Second)
	if _, err := f.signIn(t, "Right-Pass-1", "", nil); err != nil {
		t.Fatalf("after the lockout the right password must work: %v", err)
	}
}

func TestSRPTimestamp(t *testing.T) {
	f := newSRPFixture(t, ClientConfig{}, false)
	cases := []struct{ timestamp, code, message string }{
		{"Thu Nov 05 14:03:09 UTC 2026", awserr.NotAuthorized, "Incorrect username or password."}, // zero-padded day
		{"Fri Nov 5 14:03:09 UTC 2026", awserr.NotAuthorized, "Incorrect username or password."},  // wrong weekday
		{"Thu Nov 5 14:13:09 UTC 2026", awserr.NotAuthorized, "Incorrect username or password."},  // ten minutes off
		{"Thu Nov 5 14:03:09 GMT 2026", awserr.InvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."},
		{"2026-11-05T14:03:09Z", awserr.InvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."},
	}
	for _, tc := range cases {
		_, err := f.signIn(t, "Right-Pass-1", tc.timestamp, nil)
		wantCode(t, err, tc.code, tc.message)
	}
	// alexrudd/cognito-srp's 12-hour clock: 14:03 sent as 02:03.
	if _, err := f.signIn(t, "Right-Pass-1", "Thu Nov 5 02:03:09 UTC 2026", nil); err != nil {
		t.Fatalf("12-hour timestamp: %v", err)
	}
	if _, err := f.signIn(t, "Right-Pass-1", "Thu Nov 5 14:05:09 UTC 2026", nil); err != nil {
		t.Fatalf("two minutes of skew: %v", err)
	}
}

func TestSRPSecretHashClient(t *testing.T) {
	f := newSRPFixture(t, ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, true)
	hash := base64.StdEncoding.EncodeToString(secretHash(f.secret, "alice", f.clientID))
	_, err := f.signIn(t, "Right-Pass-1", "", nil)
	wantCode(t, err, awserr.NotAuthorized, "Client "+f.clientID+" is configured with secret but SECRET_HASH was not received")
	if _, err := f.signIn(t, "Right-Pass-1", "", map[string]string{"SECRET_HASH": hash}); err != nil {
		t.Fatal(err)
	}
	c := srptest.NewClient()
	challenge, err := f.initiate(c, "alice", map[string]string{"SECRET_HASH": hash})
	if err != nil {
		t.Fatal(err)
	}
	ts := f.now.Format("Mon Jan 2 15:04:05 UTC 2006")
	_, err = f.respond(challenge, c.Sign(t, f.poolID, "Right-Pass-1", challenge.ChallengeParameters, ts), ts, map[string]string{"SECRET_HASH": "bm9wZQ=="})
	wantCode(t, err, awserr.NotAuthorized, "Unable to verify secret hash for client "+f.clientID)
}

func TestSRPUsersAndClients(t *testing.T) {
	ctx := context.Background()
	f := newSRPFixture(t, ClientConfig{PreventUserExistenceErrors: "ENABLED"}, false)
	// An unknown user gets a plausible, stable challenge that fails at the proof.
	c := srptest.NewClient()
	first, err := f.initiate(c, "nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.initiate(srptest.NewClient(), "nobody", nil)
	if err != nil || second.ChallengeParameters["SALT"] != first.ChallengeParameters["SALT"] || first.ChallengeName != "PASSWORD_VERIFIER" {
		t.Fatalf("decoy challenges: %+v %+v %v", first, second, err)
	}
	ts := f.now.Format("Mon Jan 2 15:04:05 UTC 2006")
	_, err = f.respond(first, c.Sign(t, f.poolID, "Any-Pass-1", first.ChallengeParameters, ts), ts, nil)
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")

	legacy, err := f.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: f.poolID, ClientName: "legacy",
		ClientConfig: ClientConfig{PreventUserExistenceErrors: "LEGACY"}})
	if err != nil {
		t.Fatal(err)
	}
	f.clientID = legacy.UserPoolClient.ClientId
	_, err = f.initiate(c, "nobody", nil)
	wantCode(t, err, awserr.UserNotFound, "User does not exist.")

	for _, a := range []string{"0", srp.N.Text(16), "-5", "zz"} {
		_, err = f.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_SRP_AUTH", ClientId: f.clientID,
			AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": a}})
		wantCode(t, err, awserr.InvalidParameter, "SRP_A is not a valid value")
	}

	passwordOnly, err := f.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: f.poolID, ClientName: "pw",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.clientID = passwordOnly.UserPoolClient.ClientId
	_, err = f.initiate(c, "alice", nil)
	wantCode(t, err, awserr.InvalidParameter, "USER_SRP_AUTH flow not enabled for this client")

	// A temporary password leads to NEW_PASSWORD_REQUIRED, as with USER_PASSWORD_AUTH.
	f.clientID = legacy.UserPoolClient.ClientId
	if _, err := f.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: f.poolID, Username: "alice", Password: "Temp-Pass-1"}); err != nil {
		t.Fatal(err)
	}
	out, err := f.signIn(t, "Temp-Pass-1", "", nil)
	if err != nil || out.ChallengeName != "NEW_PASSWORD_REQUIRED" || out.Session == "" {
		t.Fatalf("temporary password: %+v %v", out, err)
	}
	if _, err := f.s.AdminDisableUser(ctx, &UserRef{UserPoolId: f.poolID, Username: "alice"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.signIn(t, "Temp-Pass-1", "", nil)
	wantCode(t, err, awserr.NotAuthorized, "User is disabled.")
}

package userpool

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/siwe/siwetest"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// testHooks implements every hook and records which ran, in order.
type testHooks struct {
	mu    sync.Mutex
	calls []string
}

func (h *testHooks) record(name string, call signin.Call) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if call.Caller != testCaller || call.PoolID == "" || call.ClientID == "" {
		name += " (without its call)"
	}
	h.calls = append(h.calls, name)
}

func (h *testHooks) recordAdmin(name string, call signin.Call) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if call.Caller.IsValid() || call.PoolID == "" || call.ClientID != "" {
		name += " (not an admin call)"
	}
	h.calls = append(h.calls, name)
}

func (h *testHooks) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	calls := h.calls
	h.calls = nil
	return calls
}

func (h *testHooks) PreSignUp(_ context.Context, e *signin.PreSignUpEvent) error {
	if e.Source == signin.SignUpByAdmin { // an admin call: no client, no caller
		h.recordAdmin(string(e.Source), e.Call)
		return nil
	}
	h.record(string(e.Source), e.Call)
	if e.Source == signin.SignUpBySelf && e.ValidationData["invite"] != "yes" {
		return awserr.New("UserLambdaValidationException", "PreSignUp failed with error Invitation required..")
	}
	e.AutoConfirmUser, e.AutoVerifyEmail = true, true
	return nil
}

func (h *testHooks) PreAuthentication(_ context.Context, e *signin.AuthenticationEvent) error {
	if e.UserNotFound {
		h.record("PreAuthentication "+string(e.Flow)+" userNotFound "+e.Username+" "+e.UserAttributes["cognito:user_status"], e.Call)
		return nil
	}
	h.record("PreAuthentication "+string(e.Flow), e.Call)
	if e.Username == "blocked" {
		return awserr.New("UserLambdaValidationException", "PreAuthentication failed with error Blocked..")
	}
	return nil
}

func (h *testHooks) PostAuthentication(_ context.Context, e *signin.AuthenticationEvent) error {
	h.record("PostAuthentication "+e.UserAttributes["cognito:user_status"], e.Call)
	return nil
}

func (h *testHooks) PreTokenGeneration(_ context.Context, e *signin.TokenGenerationEvent) error {
	h.record("PreTokenGeneration "+string(e.Source), e.Call)
	e.ID = signin.ClaimChanges{AddOrOverride: map[string]any{"custom:tier": "gold", "sub": "forged"}, Suppress: []string{"email", "cognito:username"}}
	return nil
}

func (h *testHooks) MigrateUser(_ context.Context, e *signin.MigrationEvent) (*signin.MigratedUser, error) {
	h.record("UserMigration", e.Call)
	if e.Username != "legacy" || e.Password != "Legacy-Pass-1" {
		return nil, nil
	}
	return &signin.MigratedUser{UserAttributes: map[string]string{"email": "legacy@example.com", "email_verified": "true"}}, nil
}

// TestHooksAreReached: each hook point calls its hook with the call's
// context, and what a hook answers takes effect.
func TestHooksAreReached(t *testing.T) {
	ctx := context.Background()
	f := newSRPFixture(t, ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		PreventUserExistenceErrors: "ENABLED"}, false)
	hooks := &testHooks{}
	f.s.hooks = signin.Hooks{PreSignUp: hooks, PreAuthentication: hooks, PostAuthentication: hooks, PreTokenGeneration: hooks, UserMigration: hooks}
	signIn := func(username, pw string) (*AuthOutput, error) {
		return f.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: f.clientID,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": pw}})
	}
	want := func(step string, calls ...string) {
		t.Helper()
		if got := hooks.take(); !slices.Equal(got, calls) {
			t.Fatalf("%s: hooks %q, want %q", step, got, calls)
		}
	}

	// Sign-up: refused without the invitation; confirmed and verified with it.
	_, err := f.s.SignUp(ctx, testCaller, &SignUpInput{ClientId: f.clientID, Username: "newcomer", Password: "First-Pass-1"})
	wantCode(t, err, "UserLambdaValidationException", "PreSignUp failed with error Invitation required..")
	want("sign-up refused", "PreSignUp_SignUp")
	up, err := f.s.SignUp(ctx, testCaller, &SignUpInput{ClientId: f.clientID, Username: "newcomer", Password: "First-Pass-1",
		UserAttributes: []AttributeType{{Name: "email", Value: "newcomer@example.com"}}, ValidationData: []AttributeType{{Name: "invite", Value: "yes"}}})
	if err != nil || !up.UserConfirmed || up.CodeDeliveryDetails != nil {
		t.Fatalf("SignUp with the hook's confirmation: %+v %v", up, err)
	}
	want("sign-up", "PreSignUp_SignUp")
	got, err := f.s.AdminGetUser(ctx, &UserRef{UserPoolId: f.poolID, Username: "newcomer"})
	if err != nil || got.UserStatus != "CONFIRMED" || attributeMap(got.UserAttributes)["email_verified"] != "true" {
		t.Fatalf("the hook's confirmation was not applied: %+v %v", got, err)
	}

	// Password sign-in: before and after authentication, then the token hook,
	// whose claims apply except the immutable ones.
	out, err := signIn("alice", "Right-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	want("password sign-in", "PreAuthentication USER_PASSWORD_AUTH", "PostAuthentication CONFIRMED", "PreTokenGeneration TokenGeneration_Authentication")
	// The fixture's clock is fixed in the past, so read the claims unverified.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(out.AuthenticationResult.IdToken, ".")[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims["custom:tier"] != "gold" || claims["email"] != nil ||
		claims["cognito:username"] != "alice" || claims["sub"] == "forged" {
		t.Fatalf("ID token claims after the hook: %s %v", payload, err)
	}
	// Unknown, on a client that hides users: migration is asked, then
	// PreAuthentication is told there is no such user.
	_, err = signIn("blocked", "Any-Pass-1")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	want("unknown user", "UserMigration", "PreAuthentication USER_PASSWORD_AUTH userNotFound blocked ")

	// Refresh runs the token hook only.
	if _, err := f.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken}}); err != nil {
		t.Fatal(err)
	}
	want("refresh", "PreTokenGeneration TokenGeneration_RefreshTokens")

	// A migrated user is created with its password and signed in.
	if _, err := signIn("legacy", "Legacy-Pass-1"); err != nil {
		t.Fatalf("migration: %v", err)
	}
	want("migration", "UserMigration", "PostAuthentication CONFIRMED", "PreTokenGeneration TokenGeneration_Authentication")
	if _, err := signIn("legacy", "Legacy-Pass-1"); err != nil {
		t.Fatalf("the migrated user's password: %v", err)
	}
	want("migrated user", "PreAuthentication USER_PASSWORD_AUTH", "PostAuthentication CONFIRMED", "PreTokenGeneration TokenGeneration_Authentication")

	// SRP asks before authentication at its first step.
	if _, err := f.signIn(t, "Right-Pass-1", "", nil); err != nil {
		t.Fatal(err)
	}
	want("SRP", "PreAuthentication USER_SRP_AUTH", "PostAuthentication CONFIRMED", "PreTokenGeneration TokenGeneration_Authentication")

	// PreAuthentication's refusal stops the sign-in before the password.
	if _, err := f.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: f.poolID, Username: "blocked", TemporaryPassword: "Temp-Pass-1", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	_, err = signIn("blocked", "Wrong-Pass-1")
	wantCode(t, err, "UserLambdaValidationException", "PreAuthentication failed with error Blocked..")
	want("blocked", "PreSignUp_AdminCreateUser", "PreAuthentication USER_PASSWORD_AUTH")

	// A temporary password changed through NEW_PASSWORD_REQUIRED: the token
	// hook is told the tokens come from that challenge.
	if _, err := f.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: f.poolID, Username: "invited", TemporaryPassword: "Temp-Pass-1", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	hooks.take()
	ch, err := signIn("invited", "Temp-Pass-1")
	if err != nil || ch.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		t.Fatalf("a temporary password: %+v %v", ch, err)
	}
	if _, err := f.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: f.clientID, ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "invited", "NEW_PASSWORD": "Next-Pass-2"}}); err != nil {
		t.Fatalf("NEW_PASSWORD_REQUIRED: %v", err)
	}
	want("new password", "PreAuthentication USER_PASSWORD_AUTH", "PostAuthentication CONFIRMED", "PreTokenGeneration TokenGeneration_NewPasswordChallenge")
}

// TestChallengeRegistry: a challenge registered from outside the engine is
// offered by its flow and answered by its handler, with its own payload.
func TestChallengeRegistry(t *testing.T) {
	const flow, name = signin.AuthFlow("MOAT_TEST_FLOW"), signin.ChallengeName("MOAT_TEST_CHALLENGE")
	type riddle struct{ Answer string }
	var reached []string
	registerFlow(flow, flowHandler{entries: publicEntry, start: func(s *Service, ctx context.Context, a *attempt) (*AuthOutput, error) {
		reached = append(reached, "flow "+string(a.flow))
		u, err := s.lookupUser(ctx, a.pool, a.params["USERNAME"])
		if err != nil {
			return nil, err
		}
		return s.challenge(a, u, name, riddle{Answer: "forty-two"}, map[string]string{"QUESTION": "?"}), nil
	}})
	registerChallenge(name, challengeHandler{respond: func(s *Service, ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
		var r riddle
		if !cs.payload(&r) || a.params["ANSWER"] != r.Answer {
			return nil, errIncorrectCredentials
		}
		reached = append(reached, "challenge "+string(cs.Challenge))
		u, err := s.store.GetUser(ctx, a.pool.ID, cs.UserKey)
		if err != nil {
			return nil, storeErr(err, errUserNotFound)
		}
		return s.authenticated(ctx, a, u, nextStep{Source: signin.TokensForAuthentication})
	}})
	t.Cleanup(func() { delete(flows, flow); delete(challenges, name) })

	ctx := context.Background()
	f := newSRPFixture(t, ClientConfig{}, false)
	ch, err := f.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: string(flow), ClientId: f.clientID, AuthParameters: map[string]string{"USERNAME": "alice"}})
	if err != nil || ch.ChallengeName != string(name) || ch.ChallengeParameters["QUESTION"] != "?" || ch.Session == "" {
		t.Fatalf("the registered flow: %+v %v", ch, err)
	}
	_, err = f.s.AdminInitiateAuth(ctx, testCaller, &AdminInitiateAuthInput{UserPoolId: f.poolID, InitiateAuthInput: InitiateAuthInput{
		AuthFlow: string(flow), ClientId: f.clientID, AuthParameters: map[string]string{"USERNAME": "alice"}}})
	wantCode(t, err, awserr.InvalidParameter, "") // registered for the public entry point only
	answer := func(challenge, ans string) (*AuthOutput, error) {
		return f.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: f.clientID, ChallengeName: challenge,
			Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "ANSWER": ans}})
	}
	_, err = answer(string(name), "seven")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	_, err = answer(string(signin.NewPasswordRequired), "forty-two") // another challenge's handler does not take this session
	wantCode(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")
	done, err := answer(string(name), "forty-two")
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the registered challenge: %+v %v", done, err)
	}
	if !slices.Equal(reached, []string{"flow MOAT_TEST_FLOW", "challenge MOAT_TEST_CHALLENGE"}) {
		t.Fatalf("reached %q", reached)
	}
	defer func() {
		if recover() == nil {
			t.Error("a challenge registered twice was accepted")
		}
	}()
	registerChallenge(name, challengeHandler{})
}

// riddleLoop is a custom-auth hook: a riddle per round, tokens for the
// right answer, failure after three wrong ones (or never, when endless).
type riddleLoop struct {
	serve, endless bool
	defined        [][]signin.ChallengeResult
}

func (r *riddleLoop) Serves(signin.Call) bool { return r.serve }

func (r *riddleLoop) DefineAuthChallenge(_ context.Context, e *signin.DefineAuthChallengeEvent) error {
	r.defined = append(r.defined, slices.Clone(e.Session))
	switch n := len(e.Session); {
	case n > 0 && e.Session[n-1].ChallengeResult:
		e.IssueTokens = true
	case n == 3 && !r.endless:
		e.FailAuthentication = true
	default:
		e.ChallengeName = signin.CustomChallenge
	}
	return nil
}

func (r *riddleLoop) CreateAuthChallenge(_ context.Context, e *signin.CreateAuthChallengeEvent) error {
	round := strconv.Itoa(len(e.Session) + 1)
	e.PublicChallengeParameters = map[string]string{"question": "round " + round}
	e.PrivateChallengeParameters = map[string]string{"answer": "42"}
	e.ChallengeMetadata = "riddle-" + round
	return nil
}

func (r *riddleLoop) VerifyAuthChallengeResponse(_ context.Context, e *signin.VerifyAuthChallengeEvent) error {
	e.AnswerCorrect = e.ChallengeAnswer == e.PrivateChallengeParameters["answer"]
	return nil
}

// TestCustomAuthLoop: with a custom-auth hook serving the pool, CUSTOM_AUTH
// runs its Define/Create/Verify loop instead of the wallet; without, the
// wallet answers.
func TestCustomAuthLoop(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	l.confirmedUser(t, "alice")
	c, err := l.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "custom", ClientConfig: ClientConfig{
		ExplicitAuthFlows: []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, PreventUserExistenceErrors: "ENABLED",
		MoatWalletSignIn: &WalletSignIn{Enabled: true, Domain: "dapp.example", URI: "https://dapp.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := c.UserPoolClient.ClientId
	loop := &riddleLoop{serve: true}
	l.s.hooks.CustomAuth = loop
	start := func(username string) *AuthOutput {
		t.Helper()
		out, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "CUSTOM_AUTH", ClientId: clientID, AuthParameters: map[string]string{"USERNAME": username}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	answer := func(ch *AuthOutput, ans string) (*AuthOutput, error) {
		return l.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "CUSTOM_CHALLENGE",
			Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": ch.ChallengeParameters["USERNAME"], "ANSWER": ans}})
	}

	first := start("alice")
	if first.ChallengeName != "CUSTOM_CHALLENGE" || first.ChallengeParameters["question"] != "round 1" || first.ChallengeParameters["USERNAME"] != "alice" {
		t.Fatalf("first round: %+v", first)
	}
	second, err := answer(first, "7")
	if err != nil || second.ChallengeParameters["question"] != "round 2" {
		t.Fatalf("a wrong answer leads to the next round: %+v %v", second, err)
	}
	_, err = answer(first, "42") // a round's session is answered once
	wantCode(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")
	done, err := answer(second, "42")
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the right answer: %+v %v", done, err)
	}
	want := []signin.ChallengeResult{{ChallengeName: signin.CustomChallenge, ChallengeResult: false, ChallengeMetadata: "riddle-1"},
		{ChallengeName: signin.CustomChallenge, ChallengeResult: true, ChallengeMetadata: "riddle-2"}}
	if got := loop.defined[len(loop.defined)-1]; !slices.Equal(got, want) {
		t.Fatalf("Define saw %+v, want %+v", got, want)
	}

	// An unknown user runs the loop too, but no answer is ever right.
	ch := start("nobody")
	for range 2 {
		if ch, err = answer(ch, "42"); err != nil || ch.ChallengeName != "CUSTOM_CHALLENGE" {
			t.Fatalf("an unknown user's round: %+v %v", ch, err)
		}
	}
	_, err = answer(ch, "42")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")

	// A Define that never decides gets 20 challenges, then the sign-in fails.
	loop.endless = true
	ch = start("alice")
	for round := 1; round < 20; round++ {
		if ch, err = answer(ch, "7"); err != nil || ch.ChallengeParameters["question"] != "round "+strconv.Itoa(round+1) {
			t.Fatalf("round %d of an endless loop: %+v %v", round+1, ch, err)
		}
	}
	_, err = answer(ch, "7")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	if got := len(loop.defined[len(loop.defined)-1]); got != 20 {
		t.Fatalf("Define last saw %d rounds, want 20", got)
	}
	loop.endless = false

	// A pool the hook does not serve keeps the wallet.
	loop.serve = false
	w := siwetest.NewWallet(t)
	if ch := l.walletStart(t, clientID, w.Address); !strings.Contains(ch.ChallengeParameters["message"], "dapp.example wants you to sign in") {
		t.Fatalf("the wallet's challenge: %+v", ch)
	}
}

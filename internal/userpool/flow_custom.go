package userpool

import (
	"context"
	"maps"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// CUSTOM_AUTH runs the custom challenge loop of the pool's custom-auth hook
// when it has one, and the built-in wallet sign-in otherwise. Both answer
// with CUSTOM_CHALLENGE; the session's payload says which one is running.

func init() {
	registerFlow(signin.CustomAuth, flowHandler{entries: publicEntry | adminEntry, start: (*Service).customAuth})
	registerChallenge(signin.CustomChallenge, challengeHandler{respond: (*Service).answerCustomChallenge})
}

// customLoop is the session's payload while the hook runs the loop: the
// rounds so far, and what only the next Verify may see.
type customLoop struct {
	Hook     bool                     `json:"hook"`
	Username string                   `json:"n"`
	NotFound bool                     `json:"nf,omitempty"`
	Rounds   []signin.ChallengeResult `json:"r,omitempty"`
	Private  map[string]string        `json:"p,omitempty"`
	Metadata string                   `json:"md,omitempty"`
	// SRPA is the client's SRP_A when the loop began with SRP.
	SRPA string `json:"a,omitempty"`
}

// customPasswordVerifier answers Define's PASSWORD_VERIFIER after SRP_A
// with the SRP exchange; the proof's answer goes back to the loop.
func (s *Service) customPasswordVerifier(a *attempt, u store.User, loop customLoop) (*AuthOutput, error) {
	bigA, _ := srp.ParseA(loop.SRPA) // checked when the loop began
	v := s.srpDecoy(a.pool, u.Username)
	if !loop.NotFound {
		var err error
		if v, err = s.storedVerifier(a.pool, u); err != nil {
			return nil, err
		}
	}
	loop.SRPA = ""
	return s.passwordVerifierChallenge(a, u, v, bigA, &loop)
}

// maxCustomRounds is how many challenges one CUSTOM_AUTH sign-in may
// pose: a Define that asks for more fails the sign-in, so a loop that
// never decides cannot keep a session (and its functions) going forever.
const maxCustomRounds = 20

var (
	errInvalidLambdaResponse = awserr.New("InvalidLambdaResponseException", "Unrecognizable lambda output")
	errIncompleteCustomAuth  = awserr.New(awserr.InvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
)

func (s *Service) customAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	if !a.client.allowsFlow("ALLOW_CUSTOM_AUTH") {
		return nil, invalidParameter("Custom auth flow not enabled for this client")
	}
	if h := s.hooks.CustomAuth; h == nil || !h.Serves(a.call) {
		if c := a.call.Triggers; c != nil && (c.DefineAuthChallenge != "" || c.CreateAuthChallenge != "" || c.VerifyAuthChallengeResponse != "") {
			// Part of a challenge loop is no loop, and no wallet sign-in either.
			return nil, errIncompleteCustomAuth
		}
		return s.walletChallenge(ctx, a)
	}
	username := a.params["USERNAME"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if err := s.limiter.SignIn(ctx, a.call.Caller, a.pool.ID, a.pool.userKey(username)); err != nil {
		return nil, err
	}
	u, err := s.lookupUser(ctx, a.pool, username)
	notFound := err == errUserNotFound
	switch {
	case notFound:
		if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if !a.client.preventsUserExistenceErrors() {
			return nil, errUserNotFound
		}
		u = store.User{Username: username}
	case err != nil:
		return nil, err
	default:
		if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
			return nil, err
		}
	}
	loop := customLoop{Hook: true, Username: u.Username, NotFound: notFound}
	if a.params["CHALLENGE_NAME"] == string(signin.SRPA) {
		// The client starts with SRP: the loop's first round is SRP_A,
		// and Define may ask for the password's proof next.
		if _, ok := srp.ParseA(a.params["SRP_A"]); !ok {
			return nil, invalidParameter("SRP_A is not a valid value")
		}
		loop.SRPA = a.params["SRP_A"]
		loop.Rounds = []signin.ChallengeResult{{ChallengeName: signin.SRPA, ChallengeResult: true}}
	}
	return s.nextCustomRound(ctx, a, u, loop)
}

// nextCustomRound asks the hook's Define what comes next: tokens, failure,
// or another challenge, which its Create makes.
func (s *Service) nextCustomRound(ctx context.Context, a *attempt, u store.User, loop customLoop) (*AuthOutput, error) {
	h := s.hooks.CustomAuth
	who := signin.CustomAuthUser{Call: a.call, Username: u.Username, UserAttributes: hookAttributes(u), UserNotFound: loop.NotFound}
	define := &signin.DefineAuthChallengeEvent{CustomAuthUser: who, Session: loop.Rounds}
	if err := h.DefineAuthChallenge(ctx, define); err != nil {
		return nil, hookFailed(err)
	}
	switch {
	case define.FailAuthentication || (define.IssueTokens && loop.NotFound):
		return nil, errIncorrectCredentials
	case define.IssueTokens:
		return s.authenticated(ctx, a, u, nextStep{Source: signin.TokensForAuthentication})
	case len(loop.Rounds) >= maxCustomRounds:
		return nil, errIncorrectCredentials
	case define.ChallengeName == signin.PasswordVerifier && loop.SRPA != "" && len(loop.Rounds) == 1:
		return s.customPasswordVerifier(a, u, loop)
	case define.ChallengeName != signin.CustomChallenge:
		return nil, errInvalidLambdaResponse
	}
	create := &signin.CreateAuthChallengeEvent{CustomAuthUser: who, ChallengeName: define.ChallengeName, Session: loop.Rounds}
	if err := h.CreateAuthChallenge(ctx, create); err != nil {
		return nil, hookFailed(err)
	}
	loop.Private, loop.Metadata = create.PrivateChallengeParameters, create.ChallengeMetadata
	params := maps.Clone(create.PublicChallengeParameters)
	if params == nil {
		params = map[string]string{}
	}
	params["USERNAME"] = u.Username
	return s.challenge(a, u, signin.CustomChallenge, loop, params), nil
}

// answerCustomChallenge hands the answer to the loop's Verify, records the
// round, and asks Define again; a wallet's session goes to the wallet.
func (s *Service) answerCustomChallenge(ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error) {
	var loop customLoop
	if !cs.payload(&loop) || !loop.Hook {
		return s.completeWalletSignIn(ctx, a, cs, sealed)
	}
	h := s.hooks.CustomAuth
	if h == nil || !h.Serves(a.call) {
		return nil, errInvalidSession
	}
	u := store.User{Username: loop.Username}
	if !loop.NotFound {
		var err error
		if u, err = s.store.GetUser(ctx, a.pool.ID, cs.UserKey); err != nil {
			return nil, storeErr(err, errUserNotFound)
		}
	}
	if err := a.client.checkSecretHash(a.params["SECRET_HASH"], a.params["USERNAME"], u.Username, u.Sub); err != nil {
		return nil, err
	}
	answer := a.params["ANSWER"]
	if answer == "" {
		return nil, invalidParameter("Missing required parameter ANSWER")
	}
	// Each round's session is answered once: a captured right answer
	// cannot be sent again.
	if err := s.spendSession(ctx, "custom", cs, sealed); err != nil {
		return nil, err
	}
	verify := &signin.VerifyAuthChallengeEvent{CustomAuthUser: signin.CustomAuthUser{Call: a.call, Username: u.Username,
		UserAttributes: hookAttributes(u), UserNotFound: loop.NotFound}, PrivateChallengeParameters: loop.Private, ChallengeAnswer: answer}
	if err := h.VerifyAuthChallengeResponse(ctx, verify); err != nil {
		return nil, hookFailed(err)
	}
	loop.Rounds = append(loop.Rounds, signin.ChallengeResult{ChallengeName: signin.CustomChallenge,
		ChallengeResult: verify.AnswerCorrect && !loop.NotFound, ChallengeMetadata: loop.Metadata})
	loop.Private, loop.Metadata = nil, ""
	return s.nextCustomRound(ctx, a, u, loop)
}

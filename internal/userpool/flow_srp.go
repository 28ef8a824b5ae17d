package userpool

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// USER_SRP_AUTH answers with a PASSWORD_VERIFIER challenge. All its state
// travels in the sealed SECRET_BLOCK, so any replica can finish it.

func init() {
	registerFlow(signin.UserSRPAuth, flowHandler{entries: publicEntry | adminEntry, start: (*Service).srpAuth})
	registerChallenge(signin.PasswordVerifier, challengeHandler{
		sealed:  secretBlock,
		open:    (*sessionSealer).openSecretBlock,
		respond: (*Service).completePasswordVerifier,
	})
}

// srpChallenge is the PASSWORD_VERIFIER session's payload: the exchange and
// the username the proof is for. A session with no user key is a decoy for
// a user that does not exist.
type srpChallenge struct {
	Exchange srp.Exchange `json:"x"`
	Username string       `json:"n"`
	// Custom is the custom challenge loop the proof is a round of, when a
	// DefineAuthChallenge asked for PASSWORD_VERIFIER after SRP_A.
	Custom *customLoop `json:"c,omitempty"`
}

var errSRPTimestampFormat = invalidParameter("%s", srp.ErrTimestampFormat.Error())

func (s *Service) srpAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	if !a.client.allowsFlow("ALLOW_USER_SRP_AUTH") {
		return nil, invalidParameter("USER_SRP_AUTH flow not enabled for this client")
	}
	return s.srpStart(ctx, a)
}

// srpStart answers USERNAME and SRP_A with the server's side of the
// exchange: USER_SRP_AUTH, and USER_AUTH's PASSWORD_SRP.
func (s *Service) srpStart(ctx context.Context, a *attempt) (*AuthOutput, error) {
	p, c, params := a.pool, a.client, a.params
	username := params["USERNAME"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if params["SRP_A"] == "" {
		return nil, invalidParameter("Missing required parameter SRP_A")
	}
	bigA, ok := srp.ParseA(params["SRP_A"])
	if !ok {
		return nil, invalidParameter("SRP_A is not a valid value")
	}
	if err := s.limiter.SignIn(ctx, a.call.Caller, p.ID, p.userKey(username)); err != nil {
		return nil, err
	}
	u, err := s.lookupUser(ctx, p, username)
	if err == errUserNotFound {
		if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if !c.preventsUserExistenceErrors() {
			return nil, errUserNotFound
		}
		if err := s.preAuthentication(ctx, a, store.User{Username: username}, true); err != nil {
			return nil, err
		}
		return s.passwordVerifierChallenge(a, store.User{Username: username}, s.srpDecoy(p, username), bigA, nil)
	}
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, a, u, false); err != nil {
		return nil, err
	}
	v, err := s.storedVerifier(p, u)
	if err != nil {
		return nil, err
	}
	return s.passwordVerifierChallenge(a, u, v, bigA, nil)
}

// storedVerifier is the user's SRP verifier; a password set before SRP
// support has none, and the proof against a decoy will fail.
func (s *Service) storedVerifier(p *pool, u store.User) (srp.Verifier, error) {
	st, err := decodeState(u)
	if err != nil {
		return srp.Verifier{}, err
	}
	v := srp.Verifier{Salt: st.SRPSalt, V: st.SRPVerifier}
	if !v.Valid() {
		v = s.srpDecoy(p, u.Username)
	}
	return v, nil
}

// srpDecoy is the verifier of a user that does not exist: stable per
// username, and not derivable without the server key.
func (s *Service) srpDecoy(p *pool, username string) srp.Verifier {
	return srp.Decoy(s.codeKey, p.ID+"\x00"+p.userKey(username))
}

// passwordVerifierChallenge answers with the server's B. u.Key is empty for
// a decoy; loop is the custom challenge loop the proof is a round of.
func (s *Service) passwordVerifierChallenge(a *attempt, u store.User, v srp.Verifier, bigA *big.Int, loop *customLoop) (*AuthOutput, error) {
	ex, ok := srp.Begin(v, bigA)
	if !ok {
		return nil, awserr.Internal(errors.New("userpool: unreadable SRP verifier"))
	}
	block := s.session.sealRaw(s.openChallenge(a, u.Key, signin.PasswordVerifier, srpChallenge{Exchange: ex, Username: u.Username, Custom: loop}))
	return &AuthOutput{
		ChallengeName: string(signin.PasswordVerifier),
		ChallengeParameters: map[string]string{
			"SALT":            v.Salt,
			"SRP_B":           ex.B,
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString(block),
			"USERNAME":        u.Username,
			"USER_ID_FOR_SRP": u.Username,
		},
	}, nil
}

// secretBlock is where a PASSWORD_VERIFIER answer carries its sealed
// state: PASSWORD_CLAIM_SECRET_BLOCK, or, from some clients, the Session.
func secretBlock(in *RespondToAuthChallengeInput) string {
	if text := in.ChallengeResponses["PASSWORD_CLAIM_SECRET_BLOCK"]; text != "" {
		return text
	}
	return in.Session
}

// openSecretBlock opens the standard-base64 secret block, returning its
// bytes too, which the proof signs.
func (s *sessionSealer) openSecretBlock(text string) (challengeSession, []byte, bool) {
	return s.openEncoded(base64.StdEncoding, text)
}

// completePasswordVerifier checks the client's SRP proof. A wrong proof, a
// malformed or stale TIMESTAMP count as a wrong password for the lockout.
// An unknown user's decoy session does the same work against its decoy
// verifier, so its answer takes as long as a real user's wrong password.
func (s *Service) completePasswordVerifier(ctx context.Context, a *attempt, cs challengeSession, block []byte) (*AuthOutput, error) {
	p, responses := a.pool, a.params
	var ch srpChallenge
	if !cs.payload(&ch) {
		return nil, errInvalidSession
	}
	decoy, key := cs.UserKey == "", cs.UserKey
	if decoy {
		key = p.userKey(ch.Username) // the same read a real user costs
	}
	u, err := s.store.GetUser(ctx, p.ID, key)
	switch {
	case decoy || errors.Is(err, store.ErrNotFound):
		decoy, u = true, store.User{Username: ch.Username, Key: key, Enabled: true}
		err = a.client.checkSecretHash(responses["SECRET_HASH"], responses["USERNAME"])
	case err != nil:
		return nil, awserr.Internal(err)
	default:
		err = a.client.checkSecretHash(responses["SECRET_HASH"], responses["USERNAME"], u.Username, u.Sub)
	}
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if responses[name] == "" {
			return nil, invalidParameter("Missing required parameter %s", name)
		}
	}
	// Amplify sends USER_ID_FOR_SRP, pycognito the challenge's USERNAME:
	// moat sets both to the canonical username.
	if p.userKey(responses["USERNAME"]) != u.Key {
		return nil, errIncorrectCredentials
	}
	when, canonical, err := srp.ParseTimestamp(responses["TIMESTAMP"])
	if err != nil {
		return nil, errSRPTimestampFormat
	}
	v := s.srpDecoy(p, ch.Username)
	if !decoy {
		if v, err = s.storedVerifier(p, u); err != nil {
			return nil, err
		}
	}
	var proved bool
	claim := srp.Claim{PoolName: srp.PoolName(p.ID), Username: u.Username, SecretBlock: block,
		Timestamp: responses["TIMESTAMP"], Signature: responses["PASSWORD_CLAIM_SIGNATURE"]}
	prove := func() { proved = ch.Exchange.Verify(v, claim) }
	if decoy {
		if err := s.decoyCheck(ctx, p, prove); err != nil {
			return nil, err
		}
		return nil, errIncorrectCredentials
	}
	if err := s.checkOnWorker(ctx, func() error { return s.reserveAttempt(ctx, u, s.spendSecretBlock(block, cs.ExpiresAt)) }, prove); err != nil {
		return nil, err
	}
	if err := s.settleAttempt(ctx, u, proved && canonical && srp.TimestampFresh(when, s.now()), a.signInFailure()); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if loop := ch.Custom; loop != nil {
		if err := statusRefusal(u); err != nil {
			return nil, err
		}
		loop.Rounds = append(loop.Rounds, signin.ChallengeResult{ChallengeName: signin.PasswordVerifier, ChallengeResult: true})
		return s.nextCustomRound(ctx, a, u, *loop)
	}
	return s.passwordAccepted(ctx, a, u)
}

// spendSecretBlock lets each secret block carry one proof, right or wrong:
// a captured proof cannot be replayed, nor a block used to guess twice.
// Spent blocks are remembered on the user until they expire.
func (s *Service) spendSecretBlock(block []byte, expiresAt int64) func(*userState) error {
	id := hex.EncodeToString(block[:min(len(block), 12)]) // the AEAD nonce: random per block
	return func(st *userState) error {
		if _, spent := st.SRPSpent[id]; spent {
			return errInvalidSession
		}
		now := s.clock()
		for k, until := range st.SRPSpent {
			if until < now {
				delete(st.SRPSpent, k)
			}
		}
		if st.SRPSpent == nil {
			st.SRPSpent = map[string]int64{}
		}
		st.SRPSpent[id] = expiresAt
		return nil
	}
}

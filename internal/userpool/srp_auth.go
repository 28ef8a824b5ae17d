package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// srpAuth answers USER_SRP_AUTH with a PASSWORD_VERIFIER challenge. All its
// state travels in the sealed SECRET_BLOCK, so any replica can finish it.
func (s *Service) srpAuth(ctx context.Context, p *pool, c *client, params map[string]string) (*AuthOutput, error) {
	if !c.allowsFlow("ALLOW_USER_SRP_AUTH") {
		return nil, invalidParameter("USER_SRP_AUTH flow not enabled for this client")
	}
	username := params["USERNAME"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if params["SRP_A"] == "" {
		return nil, invalidParameter("Missing required parameter SRP_A")
	}
	a, ok := parseSRPA(params["SRP_A"])
	if !ok {
		return nil, invalidParameter("SRP_A is not a valid value")
	}
	if err := s.limitSignIn(ctx, p.ID, p.userKey(username)); err != nil {
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
		salt, v := s.srpDecoy(p, username)
		return s.passwordVerifierChallenge(p, c, "", username, salt, v, a), nil
	}
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
		return nil, err
	}
	st, err := decodeState(u)
	if err != nil {
		return nil, err
	}
	salt, v, ok := storedVerifier(st)
	if !ok { // password set before SRP support: the proof will fail
		salt, v = s.srpDecoy(p, username)
	}
	return s.passwordVerifierChallenge(p, c, u.Key, u.Username, salt, v, a), nil
}

// parseSRPA reads the client's public value: hex, with 0 < A < N (so
// A mod N ≠ 0, which would let a client fix the shared secret).
func parseSRPA(text string) (*big.Int, bool) {
	if len(text) > 2*len(srpPad(srpN)) {
		return nil, false
	}
	a, ok := new(big.Int).SetString(text, 16)
	return a, ok && a.Sign() > 0 && a.Cmp(srpN) < 0
}

func storedVerifier(st userState) (salt, v *big.Int, ok bool) {
	salt, okSalt := new(big.Int).SetString(st.SRPSalt, 16)
	v, okV := new(big.Int).SetString(st.SRPVerifier, 16)
	return salt, v, okSalt && okV
}

// srpDecoy is a salt and verifier for a user that does not exist, stable per
// username so repeated attempts look like a real user's, and not derivable
// without the server key.
func (s *Service) srpDecoy(p *pool, username string) (salt, v *big.Int) {
	m := hmac.New(sha256.New, s.codeKey)
	fmt.Fprintf(m, "srp-decoy\x00%s\x00%s", p.ID, p.userKey(username))
	sum := m.Sum(nil)
	return new(big.Int).SetBytes(sum[:16]), new(big.Int).Exp(srpG, new(big.Int).SetBytes(sum[16:]), srpN)
}

// passwordVerifierChallenge picks the server's secret b and answers with
// B = k·v + g^b mod N. An empty userKey marks a decoy for an unknown user.
func (s *Service) passwordVerifierChallenge(p *pool, c *client, userKey, username string, salt, v, a *big.Int) *AuthOutput {
	var b, B *big.Int
	for B == nil || B.Sign() == 0 {
		raw := make([]byte, 32)
		rand.Read(raw) // never fails: crypto/rand crashes the program instead
		b = new(big.Int).SetBytes(raw)
		B = new(big.Int).Mul(srpK, v)
		B.Add(B, new(big.Int).Exp(srpG, b, srpN)).Mod(B, srpN)
	}
	block := s.session.sealRaw(challengeSession{
		PoolID: p.ID, ClientID: c.ID, UserKey: userKey, Challenge: "PASSWORD_VERIFIER",
		ExpiresAt: s.clock() + int64((time.Duration(c.Config.AuthSessionValidity) * time.Minute).Seconds()),
		SRPA:      a.Text(16), SRPB: B.Text(16), SRPSecretB: b.Text(16),
	})
	return &AuthOutput{
		ChallengeName: "PASSWORD_VERIFIER",
		ChallengeParameters: map[string]string{
			"SALT":            salt.Text(16),
			"SRP_B":           B.Text(16),
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString(block),
			"USERNAME":        username,
			"USER_ID_FOR_SRP": username,
		},
	}
}

// openSecretBlock opens the sealed SRP state a PASSWORD_VERIFIER response
// carries in PASSWORD_CLAIM_SECRET_BLOCK (or, from some clients, in the
// Session), returning it with the block's bytes, which the proof signs.
func (s *Service) openSecretBlock(in *RespondToAuthChallengeInput) (challengeSession, []byte, bool) {
	text := in.ChallengeResponses["PASSWORD_CLAIM_SECRET_BLOCK"]
	if text == "" {
		text = in.Session
	}
	block, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return challengeSession{}, nil, false
	}
	cs, ok := s.session.openRaw(block)
	return cs, block, ok
}

// completePasswordVerifier checks the client's SRP proof. A wrong proof, a
// malformed or stale TIMESTAMP count as a wrong password for the lockout.
func (s *Service) completePasswordVerifier(ctx context.Context, p *pool, c *client, u store.User, cs challengeSession, block []byte, responses map[string]string) (*AuthOutput, error) {
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
	when, canonical, err := parseSRPTimestamp(responses["TIMESTAMP"])
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	locked, err := s.lockedOut(u)
	if err != nil {
		return nil, err
	}
	st, err := decodeState(u)
	if err != nil {
		return nil, err
	}
	proved := srpProofMatches(cs, st, srpPoolName(p.ID), u.Username, block, responses["TIMESTAMP"], responses["PASSWORD_CLAIM_SIGNATURE"])
	if locked {
		return nil, errPasswordAttemptsExceeded
	}
	ok := proved && canonical && srpTimestampFresh(when, s.now())
	if ok {
		if err := s.spendSecretBlock(ctx, u, block, cs.ExpiresAt); err != nil {
			return nil, err
		}
	}
	if err := s.countSignIn(ctx, u, ok); err != nil {
		return nil, err
	}
	return s.passwordAccepted(ctx, p, c, u)
}

// srpProofMatches recomputes the session key from the sealed A, B, b and the
// stored verifier, and compares the client's signature in constant time.
func srpProofMatches(cs challengeSession, st userState, poolName, username string, block []byte, timestamp, signature string) bool {
	_, v, ok := storedVerifier(st)
	a, okA := new(big.Int).SetString(cs.SRPA, 16)
	bigB, okB := new(big.Int).SetString(cs.SRPB, 16)
	b, okb := new(big.Int).SetString(cs.SRPSecretB, 16)
	given, err := base64.StdEncoding.DecodeString(signature)
	if !ok || !okA || !okB || !okb || err != nil {
		return false
	}
	u := srpScramble(a, bigB)
	if u.Sign() == 0 {
		return false
	}
	secret := new(big.Int).Exp(v, u, srpN)
	secret.Mul(secret, a).Mod(secret, srpN).Exp(secret, b, srpN)
	want := srpSignature(srpSessionKey(u, secret), poolName, username, block, timestamp)
	return hmac.Equal(want, given)
}

// spendSecretBlock lets each secret block sign in once: a captured proof
// cannot be replayed. Spent blocks are remembered until they expire.
func (s *Service) spendSecretBlock(ctx context.Context, u store.User, block []byte, expiresAt int64) error {
	id := hex.EncodeToString(block[:min(len(block), 12)]) // the AEAD nonce: random per block
	err := s.store.UpdateUser(ctx, u.PoolID, u.Key, func(old store.User) (store.User, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, err
		}
		if _, spent := st.SRPSpent[id]; spent {
			return old, errInvalidSession
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
		old.State = encodeState(st)
		return old, nil
	})
	return storeErr(err, errUserNotFound)
}

package userpool

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/netip"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Authorization codes and the hosted pages' session cookie are sealed like
// challenge sessions, under kinds no challenge has, so neither can stand in
// for the other or for a Session: a code carries everything its redemption
// needs, and its one use is recorded as a nonce until it expires.

const (
	codeKind          signin.ChallengeName = "moat:authorization_code"
	hostedSessionKind signin.ChallengeName = "moat:hosted_session"
	// CodeLifetime is how long an authorization code may wait for its
	// redemption (Cognito's five minutes).
	CodeLifetime = 5 * 60
	// HostedSessionLifetime is how long the hosted pages sign a browser in
	// without asking again (Cognito's cookie lasts an hour).
	HostedSessionLifetime = 60 * 60
)

// CodeRequest is what an authorization code is issued for.
type CodeRequest struct {
	ClientID      string
	RedirectURI   string
	Scopes        []string
	Nonce         string
	CodeChallenge string // S256 of the verifier, base64url; "" without PKCE
	AuthTime      int64
}

type codePayload struct {
	RedirectURI   string   `json:"r"`
	Scopes        []string `json:"s"`
	Nonce         string   `json:"n,omitempty"`
	CodeChallenge string   `json:"pk,omitempty"`
	AuthTime      int64    `json:"a"`
	OriginJTI     string   `json:"o"`
}

// IssueCode seals an authorization code for a signed-in user.
func (s *Service) IssueCode(u *SignedInUser, req CodeRequest) string {
	cs := challengeSession{PoolID: u.PoolID, ClientID: req.ClientID, UserKey: u.Key, Challenge: codeKind,
		ExpiresAt: s.clock() + CodeLifetime}
	return s.session.seal(cs.withPayload(codePayload{RedirectURI: req.RedirectURI, Scopes: req.Scopes, Nonce: req.Nonce,
		CodeChallenge: req.CodeChallenge, AuthTime: req.AuthTime, OriginJTI: uuid.NewString()}))
}

// ErrCodeRefused is every refusal of a code's redemption (unknown, expired,
// used, another client's, another redirect URI, a wrong PKCE verifier): the
// token endpoint's invalid_grant.
var ErrCodeRefused = errors.New("userpool: authorization code refused")

// RedeemCode exchanges an authorization code for tokens, once. A code
// presented again is refused and the session its first redemption opened
// is revoked (RFC 6749 §4.1.2), with every token minted in it.
func (s *Service) RedeemCode(ctx context.Context, caller netip.Addr, clientID, code, redirectURI, verifier string) (*AuthenticationResult, error) {
	cs, _, ok := s.session.openText(code)
	var p codePayload
	if !ok || cs.Challenge != codeKind || cs.ClientID != clientID || s.clock() > cs.ExpiresAt || !cs.payload(&p) {
		return nil, ErrCodeRefused
	}
	fresh, err := s.store.ConsumeNonce(ctx, string(codeKind), p.OriginJTI, cs.ExpiresAt)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if !fresh {
		if err := s.RevokeOAuthSession(ctx, cs.PoolID, p.OriginJTI); err != nil {
			return nil, err
		}
		return nil, ErrCodeRefused
	}
	if p.RedirectURI != redirectURI || !pkceMatches(p.CodeChallenge, verifier) {
		return nil, ErrCodeRefused
	}
	return s.IssueOAuthTokens(ctx, OAuthGrant{ClientID: clientID, UserKey: cs.UserKey, Scopes: p.Scopes, Nonce: p.Nonce,
		AuthTime: p.AuthTime, OriginJTI: p.OriginJTI, Caller: caller}, true)
}

// pkceMatches checks a code_verifier against the code's S256 challenge
// (RFC 7636 §4.6), in constant time. A code issued without a challenge
// takes no verifier into account.
func pkceMatches(challenge, verifier string) bool {
	if challenge == "" {
		return true
	}
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

type hostedSessionPayload struct {
	AuthTime int64 `json:"a"`
}

// SealHostedSession is the value of the hosted pages' session cookie for a
// user who signed in at authTime.
func (s *Service) SealHostedSession(u *SignedInUser, authTime int64) string {
	cs := challengeSession{PoolID: u.PoolID, UserKey: u.Key, Challenge: hostedSessionKind, ExpiresAt: authTime + HostedSessionLifetime}
	return s.session.seal(cs.withPayload(hostedSessionPayload{AuthTime: authTime}))
}

// OpenHostedSession reads a session cookie of poolID: who it signs in and
// when they signed in. ok is false for a cookie that is not ours, is
// another pool's, has expired, or names a user who can no longer sign in.
func (s *Service) OpenHostedSession(ctx context.Context, poolID, cookie string) (u *SignedInUser, authTime int64, ok bool) {
	cs, _, opened := s.session.openText(cookie)
	var p hostedSessionPayload
	if !opened || cs.Challenge != hostedSessionKind || cs.PoolID != poolID || s.clock() > cs.ExpiresAt || !cs.payload(&p) {
		return nil, 0, false
	}
	u, err := s.SignedInAgain(ctx, poolID, cs.UserKey)
	if err != nil {
		return nil, 0, false
	}
	return u, p.AuthTime, true
}

// federationKind seals the state a federated sign-in carries through the
// outside provider and back (OIDC state, SAML RelayState).
const federationKind signin.ChallengeName = "moat:federation_state"

// FederationState is what a federated sign-in remembers while the browser
// is at the provider: the authorization request to finish, the provider,
// and the value its answer must echo (OIDC nonce, SAML request id).
type FederationState struct {
	Query    string `json:"q"`
	Provider string `json:"p"`
	Nonce    string `json:"n"`
}

// SealFederationState seals st for a sign-in to poolID through clientID;
// it is good for the five minutes Cognito gives a federated sign-in.
func (s *Service) SealFederationState(poolID, clientID string, st FederationState) string {
	cs := challengeSession{PoolID: poolID, ClientID: clientID, Challenge: federationKind, ExpiresAt: s.clock() + CodeLifetime}
	return s.session.seal(cs.withPayload(st))
}

// OpenFederationState opens a state sealed by SealFederationState.
func (s *Service) OpenFederationState(text string) (poolID, clientID string, st FederationState, ok bool) {
	cs, _, opened := s.session.openText(text)
	if !opened || cs.Challenge != federationKind || s.clock() > cs.ExpiresAt || !cs.payload(&st) {
		return "", "", FederationState{}, false
	}
	return cs.PoolID, cs.ClientID, st, true
}

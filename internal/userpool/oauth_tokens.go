package userpool

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// OAuthGrant is what an authorization (a code being redeemed, or the
// implicit grant) carries to the minting of its tokens.
type OAuthGrant struct {
	ClientID string
	UserKey  string
	Scopes   []string
	Nonce    string
	AuthTime int64
	// OriginJTI names the session the tokens open; a code chooses it when it
	// is issued, so a replayed code can revoke what it minted.
	OriginJTI string
	Caller    netip.Addr
}

// IssueOAuthTokens opens a session for a grant and mints its tokens: an
// access token with the granted scopes, an ID token when openid is among
// them, and a refresh token when withRefresh (the code grant; the implicit
// grant never gets one).
func (s *Service) IssueOAuthTokens(ctx context.Context, g OAuthGrant, withRefresh bool) (*AuthenticationResult, error) {
	c, p, err := s.clientAndPool(ctx, g.ClientID)
	if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, p.ID, g.UserKey)
	if err != nil {
		return nil, err
	}
	scopes, err := s.liveScopes(ctx, p.ID, g.Scopes)
	if err != nil {
		return nil, err
	}
	if scopes == nil {
		scopes = []string{}
	}
	result, err := s.openSession(ctx, session{
		call:   p.call(c.ID, g.Caller, nil),
		source: signin.TokensForHostedAuth, pool: p, client: c, user: u,
		originJTI: g.OriginJTI, authTime: g.AuthTime, scopes: scopes, nonce: g.Nonce,
	})
	if err != nil {
		return nil, err
	}
	if !withRefresh {
		result.RefreshToken = ""
	}
	return result, nil
}

// RefreshOAuthTokens is the token endpoint's refresh_token grant for a
// client the endpoint has authenticated: new access and ID tokens in the
// refresh token's session, with the scopes it was granted.
func (s *Service) RefreshOAuthTokens(ctx context.Context, caller netip.Addr, clientID, refreshToken string) (*AuthenticationResult, error) {
	c, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	a := newAttempt(caller, p, c, nil, nil)
	a.flow = signin.RefreshTokenAuth
	return s.refreshSession(ctx, a, refreshToken, nil)
}

// RevokeOAuthSession revokes the session a replayed authorization code
// opened, with every token minted in it.
func (s *Service) RevokeOAuthSession(ctx context.Context, poolID, originJTI string) error {
	rt, err := s.store.GetRefreshTokenByOriginJTI(ctx, poolID, originJTI)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the first redemption failed: nothing was minted
	}
	if err != nil {
		return awserr.Internal(err)
	}
	return storeErr(s.users.endSession(ctx, rt.Hash, s.clock()), nil)
}

// UserInfo errors: the request carried no usable token, or the token is
// not one userInfo takes (expired, revoked, without openid, of a user no
// longer there).
var (
	ErrUserInfoRequest = errors.New("userpool: bad userInfo request")
	ErrUserInfoToken   = errors.New("userpool: userInfo token refused")
)

// UserInfo answers /oauth2/userInfo: sub, username and the attributes the
// access token's scopes allow the client to read.
func (s *Service) UserInfo(ctx context.Context, accessToken string) (map[string]any, error) {
	if accessToken == "" {
		return nil, ErrUserInfoRequest
	}
	claims, err := s.tokens.Verify(ctx, accessToken)
	if errors.Is(err, tokens.ErrInvalid) || errors.Is(err, tokens.ErrExpired) {
		return nil, ErrUserInfoToken
	}
	if err != nil {
		return nil, err
	}
	if claims.TokenUse != tokens.UseAccess || !slices.Contains(claims.Scopes, ScopeOpenID) || claims.OriginJTI == "" {
		return nil, ErrUserInfoToken
	}
	rt, err := s.store.GetRefreshTokenByOriginJTI(ctx, claims.PoolID, claims.OriginJTI)
	if errors.Is(err, store.ErrNotFound) || err == nil && rt.RevokedAt != 0 {
		return nil, ErrUserInfoToken
	}
	if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, claims.PoolID, rt.UserKey)
	if err != nil {
		return nil, ErrUserInfoToken
	}
	c, err := s.loadClient(ctx, claims.PoolID, claims.ClientID)
	if err != nil {
		return nil, ErrUserInfoToken
	}
	info := map[string]any{"sub": u.Sub, "username": u.Username}
	for name, value := range u.Attributes {
		if name == "sub" || !c.canRead(name) || !scopesAllow(claims.Scopes, name) {
			continue
		}
		info[name] = value // email_verified too stays a string, as Cognito answers it
	}
	return info, nil
}

// profileAttributes are what the profile scope opens (besides custom ones).
var profileAttributes = []string{"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
	"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address"}

// scopesAllow is Cognito's userInfo rule: openid alone opens every readable
// attribute; email, phone and profile each open their own.
func scopesAllow(scopes []string, attr string) bool {
	email, phone, profile := slices.Contains(scopes, ScopeEmail), slices.Contains(scopes, ScopePhone), slices.Contains(scopes, ScopeProfile)
	if !email && !phone && !profile {
		return true
	}
	switch {
	case attr == "email" || attr == "email_verified":
		return email
	case attr == "phone_number" || attr == "phone_number_verified":
		return phone
	case strings.HasPrefix(attr, "custom:") || slices.Contains(profileAttributes, attr):
		return profile
	}
	return false
}

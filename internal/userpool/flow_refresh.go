package userpool

import (
	"context"
	"strings"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

func init() {
	refresh := flowHandler{entries: publicEntry | adminEntry, start: (*Service).refreshAuth}
	registerFlow(signin.RefreshTokenAuth, refresh)
	registerFlow(signin.RefreshToken, refresh)
}

// refreshAuth mints new ID and access tokens from a refresh token. No new
// refresh token is returned, as in Cognito without rotation.
func (s *Service) refreshAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	c, params := a.client, a.params
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	if !c.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, invalidParameter("Refresh Token Auth flow not enabled for this client")
	}
	result, err := s.refreshSession(ctx, a, token, func(u store.User) error {
		return c.checkSecretHash(params["SECRET_HASH"], params["USERNAME"], u.Username, u.Sub)
	})
	if err != nil {
		return nil, err
	}
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: result}, nil
}

// refreshSession mints new tokens in the session of a refresh token of the
// attempt's client; proven checks the caller's proof of being the client
// (nil: the caller authenticated the client already).
func (s *Service) refreshSession(ctx context.Context, a *attempt, token string, proven func(store.User) error) (*AuthenticationResult, error) {
	p, c := a.pool, a.client
	rt, err := s.store.GetRefreshToken(ctx, hashRefreshToken(token))
	if err != nil {
		return nil, storeErr(err, errInvalidRefreshToken)
	}
	if rt.PoolID != p.ID || rt.ClientID != c.ID {
		return nil, errInvalidRefreshToken
	}
	u, err := s.store.GetUser(ctx, p.ID, rt.UserKey)
	if err != nil {
		return nil, storeErr(err, errInvalidRefreshToken)
	}
	if proven != nil {
		if err := proven(u); err != nil {
			return nil, err
		}
	}
	switch {
	case rt.RevokedAt != 0:
		return nil, errRevokedRefreshToken
	case s.clock() >= rt.ExpiresAt:
		return nil, errExpiredRefreshToken
	case !u.Enabled:
		return nil, errUserDisabled
	}
	sess := session{call: a.call, source: signin.TokensForRefresh, pool: p, client: c, user: u, originJTI: rt.OriginJTI, authTime: rt.AuthTime}
	if rt.Scopes != "" {
		sess.scopes = strings.Fields(rt.Scopes)
	}
	return s.mint(ctx, sess)
}

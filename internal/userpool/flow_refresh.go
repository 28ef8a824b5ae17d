package userpool

import (
	"context"
	"crypto/subtle"
	"net/netip"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

func init() {
	refresh := flowHandler{entries: publicEntry | adminEntry, start: (*Service).refreshAuth}
	registerFlow(signin.RefreshTokenAuth, refresh)
	registerFlow(signin.RefreshToken, refresh)
}

// refreshAuth is REFRESH_TOKEN_AUTH: new ID and access tokens from a refresh
// token, which stays as it is. A client that rotates refresh tokens must
// refresh through GetTokensFromRefreshToken, as on AWS.
func (s *Service) refreshAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	c, params := a.client, a.params
	if c.rotatesRefreshTokens() {
		return nil, invalidParameter("Refresh token rotation is enabled for this client; refresh tokens with GetTokensFromRefreshToken.")
	}
	result, err := s.refreshSession(ctx, a, params["REFRESH_TOKEN"], func(u store.User) error {
		return c.checkSecretHash(params["SECRET_HASH"], params["USERNAME"], u.Username, u.Sub)
	})
	if err != nil {
		return nil, err
	}
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: result}, nil
}

type GetTokensFromRefreshTokenInput struct {
	ClientId       string            `json:"ClientId"`
	RefreshToken   string            `json:"RefreshToken"`
	ClientSecret   string            `json:"ClientSecret,omitempty"`
	DeviceKey      string            `json:"DeviceKey,omitempty"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type GetTokensFromRefreshTokenOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult"`
}

// GetTokensFromRefreshToken is the refresh aws-amplify v6 uses: the tokens
// REFRESH_TOKEN_AUTH gives, and, when the client rotates refresh tokens, a
// new refresh token too, the submitted one then refused once the client's
// grace period has passed. A DeviceKey names one of the user's devices,
// whose key the new access token carries.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, caller netip.Addr, in *GetTokensFromRefreshTokenInput) (*GetTokensFromRefreshTokenOutput, error) {
	if in.RefreshToken == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null")
	}
	c, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	a := newAttempt(caller, p, c, in.ClientMetadata, nil)
	a.flow = signin.RefreshTokenAuth
	if in.DeviceKey != "" {
		a.params = map[string]string{"DEVICE_KEY": in.DeviceKey}
	}
	result, err := s.refreshSession(ctx, a, in.RefreshToken, func(u store.User) error {
		if err := c.checkClientSecret(in.ClientSecret); err != nil {
			return err
		}
		if in.DeviceKey == "" {
			return nil
		}
		switch _, ok, err := s.namedDevice(ctx, a, u); {
		case err != nil:
			return err
		case !ok: // the pool tracks no devices
			return errDeviceNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetTokensFromRefreshTokenOutput{AuthenticationResult: result}, nil
}

// refreshSession mints new tokens in the session of a refresh token of the
// attempt's client; a client that rotates refresh tokens gets a new one in
// a new session, the old one revoked when its grace period ends. proven
// checks the caller's proof of being the client once the token's user is
// known (nil: the caller authenticated the client already, as the token
// endpoint does).
func (s *Service) refreshSession(ctx context.Context, a *attempt, token string, proven func(store.User) error) (*AuthenticationResult, error) {
	p, c := a.pool, a.client
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	if !c.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, invalidParameter("Refresh Token Auth flow not enabled for this client")
	}
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
	now := s.clock()
	switch {
	case rt.RevokedBy(now):
		return nil, errRevokedRefreshToken
	case now >= rt.ExpiresAt:
		return nil, errExpiredRefreshToken
	case !u.Enabled:
		return nil, errUserDisabled
	}
	sess := session{call: a.call, source: signin.TokensForRefresh, pool: p, client: c, user: u, originJTI: rt.OriginJTI, authTime: rt.AuthTime,
		deviceKey: s.trackedDevice(ctx, a, u)}
	if rt.Scopes != "" {
		sess.scopes = strings.Fields(rt.Scopes)
	}
	if c.rotatesRefreshTokens() {
		return s.rotate(ctx, sess, rt)
	}
	return s.mint(ctx, sess)
}

// rotate replaces a refresh token with a new one of a new session that
// keeps the sign-in's time, scopes and the old token's expiry; the old token
// is revoked after the client's grace period (at once for 0), so a retry
// that lost its answer can still succeed.
func (s *Service) rotate(ctx context.Context, sess session, old store.RefreshToken) (*AuthenticationResult, error) {
	now := s.clock()
	refresh := newOpaqueToken(96)
	next := old
	next.Hash, next.OriginJTI, next.CreatedAt, next.RevokedAt = hashRefreshToken(refresh), uuid.NewString(), now, 0
	err := s.store.Atomic(ctx, func(tx store.Store) error {
		if err := tx.RevokeRefreshToken(ctx, old.Hash, now+sess.client.rotationGraceSeconds()); err != nil {
			return err
		}
		return tx.CreateRefreshToken(ctx, next)
	})
	if err != nil {
		return nil, storeErr(err, errInvalidRefreshToken)
	}
	sess.originJTI = next.OriginJTI
	result, err := s.mint(ctx, sess)
	if err != nil {
		return nil, err
	}
	result.RefreshToken = refresh
	return result, nil
}

// checkClientSecret enforces ClientSecret for clients that have a secret.
func (c *client) checkClientSecret(given string) error {
	switch {
	case c.Secret == "":
		return nil
	case given == "":
		return awserr.Newf(awserr.NotAuthorized, "Client %s is configured with secret but ClientSecret was not received", c.ID)
	case subtle.ConstantTimeCompare([]byte(given), []byte(c.Secret)) != 1:
		return awserr.Newf(awserr.NotAuthorized, "Unable to verify secret for client %s", c.ID)
	}
	return nil
}

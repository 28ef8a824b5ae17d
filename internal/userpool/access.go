package userpool

import (
	"context"
	"errors"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
)

// accessTokenUser resolves the user an access token speaks for, refusing
// tokens that are invalid, expired, revoked, or lack the self-service scope.
func (s *Service) accessTokenUser(ctx context.Context, token string) (*pool, store.User, *tokens.Claims, error) {
	if token == "" {
		return nil, store.User{}, nil, invalidParameter("1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null")
	}
	claims, err := s.tokens.Verify(ctx, token)
	switch {
	case errors.Is(err, tokens.ErrExpired):
		return nil, store.User{}, nil, errExpiredAccessToken
	case err != nil:
		return nil, store.User{}, nil, errInvalidAccessToken
	case claims.TokenUse != "access":
		return nil, store.User{}, nil, errInvalidAccessToken
	case !slices.Contains(claims.Scopes, "aws.cognito.signin.user.admin"):
		return nil, store.User{}, nil, awserr.New(awserr.NotAuthorized, "Access Token does not have required scopes")
	}
	session, err := s.store.GetRefreshTokenByOriginJTI(ctx, claims.PoolID, claims.OriginJTI)
	if err != nil {
		return nil, store.User{}, nil, storeErr(err, errRevokedAccessToken)
	}
	if session.RevokedBy(s.clock()) {
		return nil, store.User{}, nil, errRevokedAccessToken
	}
	p, err := s.loadPool(ctx, claims.PoolID)
	if err != nil {
		return nil, store.User{}, nil, err
	}
	u, err := s.store.GetUser(ctx, p.ID, session.UserKey)
	if err != nil {
		return nil, store.User{}, nil, storeErr(err, errUserNotFound)
	}
	if u.Sub != claims.Subject { // the user was deleted and the name reused
		return nil, store.User{}, nil, errUserNotFound
	}
	if !u.Enabled {
		return nil, store.User{}, nil, errUserDisabled
	}
	return p, u, claims, nil
}

type AccessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

type GetUserOutput struct {
	Username            string          `json:"Username"`
	UserAttributes      []AttributeType `json:"UserAttributes"`
	UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
	PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
}

func (s *Service) GetUser(ctx context.Context, in *AccessTokenInput) (*GetUserOutput, error) {
	_, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	out := &GetUserOutput{Username: u.Username, UserAttributes: attributeList(u.Attributes, nil)}
	out.UserMFASettingList, out.PreferredMfaSetting = mfaSettings(u)
	return out, nil
}

// AdminUserGlobalSignOut ends every session of a user: their refresh tokens
// stop working and so do the access tokens minted from them.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *UserRef) (*Empty, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.signOutEverywhere(ctx, u, "AdminUserGlobalSignOut")
}

// signOutEverywhere revokes every session of a user.
func (s *Service) signOutEverywhere(ctx context.Context, u store.User, operation string) (*Empty, error) {
	if err := s.users.endSessions(ctx, u, s.clock(), change{kind: userSignedOutGlobal, operation: operation}); err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return &Empty{}, nil
}

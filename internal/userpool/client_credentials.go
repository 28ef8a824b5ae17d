package userpool

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
)

// The client_credentials grant: a machine client, authenticated by its
// secret, gets an access token for its own custom scopes. The token is
// Cognito's: no ID or refresh token, sub and client_id both the client id,
// no username or groups, and no sign-in session behind it.

// ErrScopeRefused is a client_credentials request for a scope the client
// may not have (the token endpoint's invalid_scope).
var ErrScopeRefused = errors.New("userpool: scope refused")

// ClientCredentialsToken mints the access token of a client_credentials
// grant for a client the token endpoint authenticated. requested empty
// means every scope the client is allowed.
func (s *Service) ClientCredentialsToken(ctx context.Context, clientID string, requested []string) (*AuthenticationResult, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	scopes := slices.Clone(c.Config.AllowedOAuthScopes)
	if len(requested) > 0 {
		scopes = nil
		for _, sc := range requested {
			if !slices.Contains(c.Config.AllowedOAuthScopes, sc) {
				return nil, ErrScopeRefused
			}
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	if scopes, err = s.liveScopes(ctx, c.PoolID, scopes); err != nil {
		return nil, err
	}
	if len(scopes) == 0 {
		return nil, ErrScopeRefused
	}
	now := s.clock()
	accessLife, _, _ := c.lifetimes()
	token, err := s.tokens.Sign(ctx, c.PoolID, "access", map[string]any{
		"sub": c.ID, "client_id": c.ID, "token_use": "access", "scope": strings.Join(scopes, " "),
		"auth_time": now, "iat": now, "exp": now + int64(accessLife.Seconds()), "jti": uuid.NewString(), "version": 2,
	})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return &AuthenticationResult{AccessToken: token, ExpiresIn: int64(accessLife.Seconds()), TokenType: "Bearer"}, nil
}

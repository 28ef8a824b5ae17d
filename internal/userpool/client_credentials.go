package userpool

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// The client_credentials grant: a machine client, authenticated by its
// secret, gets an access token for its own custom scopes. The token is
// Cognito's: no ID or refresh token, sub and client_id both the client id,
// no username or groups, and no sign-in session behind it.

// ErrScopeRefused is a client_credentials request for a scope the client
// may not have (the token endpoint's invalid_scope).
var ErrScopeRefused = errors.New("userpool: scope refused")

// ClientCredentialsGrant is a client_credentials request from a client
// the token endpoint authenticated: the scopes asked for (none means every
// scope the client is allowed) and aws_client_metadata, for the pool's
// pre-token-generation trigger.
type ClientCredentialsGrant struct {
	ClientID       string
	Scopes         []string
	ClientMetadata map[string]string
	Caller         netip.Addr
}

// ClientCredentialsToken mints the access token of a client_credentials
// grant. A V3_0 pre-token-generation trigger may edit its claims and
// scopes; V1_0 and V2_0 ones are not run for it, as in Cognito.
func (s *Service) ClientCredentialsToken(ctx context.Context, g ClientCredentialsGrant) (*AuthenticationResult, error) {
	c, p, err := s.clientAndPool(ctx, g.ClientID)
	if err != nil {
		return nil, err
	}
	requested := g.Scopes
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
	access := map[string]any{
		"sub": c.ID, "client_id": c.ID, "token_use": "access", "scope": strings.Join(scopes, " "),
		"auth_time": now, "iat": now, "exp": now + int64(accessLife.Seconds()), "jti": uuid.NewString(), "version": 2,
	}
	if err := s.machineTokenGeneration(ctx, p.call(c.ID, g.Caller, g.ClientMetadata), scopes, access); err != nil {
		return nil, err
	}
	token, err := s.tokens.Sign(ctx, c.PoolID, "access", access)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return &AuthenticationResult{AccessToken: token, ExpiresIn: int64(accessLife.Seconds()), TokenType: "Bearer"}, nil
}

// machineTokenGeneration runs the token hook for a client_credentials
// token when the pool's trigger takes V3_0 events: no user (no attributes,
// no groups), and only the access token's edits apply.
func (s *Service) machineTokenGeneration(ctx context.Context, call signin.Call, scopes []string, access map[string]any) error {
	h := s.hooks.PreTokenGeneration
	if h == nil || call.Triggers == nil || call.Triggers.PreTokenGenerationConfig == nil ||
		call.Triggers.PreTokenGenerationConfig.LambdaVersion != signin.TokenEventV3 {
		return nil
	}
	e := &signin.TokenGenerationEvent{Call: call, Source: signin.TokensForClientCredentials,
		UserAttributes: map[string]string{}, Scopes: scopes}
	if err := h.PreTokenGeneration(ctx, e); err != nil {
		return hookFailed(err)
	}
	applyAccessChanges(access, e)
	return nil
}

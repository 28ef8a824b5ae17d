package authorizer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/tokens"
)

// userPoolAuthorizer is API Gateway's COGNITO_USER_POOLS authorizer over
// moat's own pools: tokens are verified in-process, and tokens of a revoked
// sign-in session are refused (which AWS's authorizer does not do).
type userPoolAuthorizer struct {
	source   identitySource
	pools    map[string]bool
	tokens   *tokens.Service
	sessions *revocations
}

func newUserPool(cfg gateway.UserPoolsSettings, source identitySource, deps Deps) (*userPoolAuthorizer, error) {
	switch {
	case len(cfg.UserPools) == 0:
		return nil, errors.New("a COGNITO_USER_POOLS authorizer needs at least one user pool")
	case deps.Tokens == nil || deps.Store == nil:
		return nil, errors.New("COGNITO_USER_POOLS authorizers need moat's token service and store")
	}
	pools := make(map[string]bool, len(cfg.UserPools))
	for i, ref := range cfg.UserPools {
		id, err := poolIDOf(ref, deps.Region)
		if err != nil {
			return nil, fmt.Errorf("userPools[%d]: %w", i, err)
		}
		pools[id] = true
	}
	return &userPoolAuthorizer{
		source:   source,
		pools:    pools,
		tokens:   deps.Tokens,
		sessions: newRevocations(deps.Store, time.Now),
	}, nil
}

// poolIDOf reads a pool id, or the id in a user-pool ARN
// (arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>).
func poolIDOf(ref, region string) (string, error) {
	if !strings.HasPrefix(ref, "arn:") {
		if ref == "" || strings.ContainsAny(ref, ":/ ") {
			return "", fmt.Errorf("%q is not a user pool id or ARN", ref)
		}
		return ref, nil
	}
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[2] != "cognito-idp" {
		return "", fmt.Errorf("%q is not a user pool ARN", ref)
	}
	if region != "" && parts[3] != region {
		return "", fmt.Errorf("%q is in region %q; this moat serves %q", ref, parts[3], region)
	}
	id, ok := strings.CutPrefix(parts[5], "userpool/")
	if !ok || id == "" || strings.ContainsAny(id, ":/ ") {
		return "", fmt.Errorf("%q is not a user pool ARN", ref)
	}
	return id, nil
}

// Authorize admits a token of one of the listed pools. As in API Gateway, a
// route without scopes takes an ID token; a route with scopes takes an
// access token carrying at least one of them. Every refusal is 401.
func (a *userPoolAuthorizer) Authorize(ctx context.Context, req *gateway.Request) (*gateway.Identity, error) {
	token := a.source.token(req.HTTP)
	if token == "" {
		return nil, userPoolUnauthorized(messageUnauthorized, "no token")
	}
	claims, err := a.tokens.Verify(ctx, token)
	switch {
	case errors.Is(err, tokens.ErrExpired):
		return nil, userPoolUnauthorized(messageExpired, descExpired)
	case errors.Is(err, tokens.ErrInvalid):
		return nil, userPoolUnauthorized(messageUnauthorized, "the token is malformed or its signature is invalid")
	case err != nil:
		return nil, authorizerFailure(err)
	}
	if !a.pools[claims.PoolID] {
		return nil, userPoolUnauthorized(messageUnauthorized, "the token is from another user pool")
	}
	if !fitsRoute(claims, req.Route) {
		return nil, userPoolUnauthorized(messageUnauthorized, "the token is the wrong kind or lacks the route's scopes")
	}
	revoked, err := a.sessions.revoked(ctx, claims)
	switch {
	case err != nil:
		return nil, authorizerFailure(err)
	case revoked:
		return nil, userPoolUnauthorized(messageUnauthorized, "the token's session was revoked")
	}
	return &gateway.Identity{Principal: claims.Subject, Claims: claims.Raw, Scopes: claims.Scopes}, nil
}

// fitsRoute applies API Gateway's choice of token by the route's scopes.
func fitsRoute(claims *tokens.Claims, route *gateway.Route) bool {
	if route == nil || len(route.Scopes) == 0 {
		return claims.TokenUse == tokens.UseID
	}
	return claims.TokenUse == tokens.UseAccess && anyScope(claims.Scopes, route.Scopes)
}

package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// client is a stored app client with its settings decoded.
type client struct {
	store.Client
	Config ClientConfig
}

func decodeClient(c store.Client) (*client, error) {
	var cfg ClientConfig
	if len(c.Settings) > 0 {
		if err := json.Unmarshal(c.Settings, &cfg); err != nil {
			return nil, awserr.Internal(err)
		}
	}
	return &client{Client: c, Config: cfg}, nil
}

func (s *Service) loadClient(ctx context.Context, poolID, clientID string) (*client, error) {
	c, err := s.store.GetClient(ctx, poolID, clientID)
	if err != nil {
		return nil, storeErr(err, clientNotFound(clientID))
	}
	return decodeClient(c)
}

// findClient resolves a ClientId named by a public operation.
func (s *Service) findClient(ctx context.Context, clientID string) (*client, error) {
	if clientID == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null")
	}
	c, err := s.store.FindClient(ctx, clientID)
	if err != nil {
		return nil, storeErr(err, clientNotFound(clientID))
	}
	return decodeClient(c)
}

// clientAndPool resolves a public request's client id and its pool.
func (s *Service) clientAndPool(ctx context.Context, clientID string) (*client, *pool, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.loadPool(ctx, c.PoolID)
	return c, p, err
}

// allowsFlow reads ExplicitAuthFlows as AWS does. ALLOW_ values name
// exactly the flows allowed. A list of legacy values (no ALLOW_ prefix)
// allows SRP and refresh besides what each legacy value names; an empty
// list allows SRP, custom authentication and refresh.
func (c *client) allowsFlow(allow string) bool {
	flows := c.Config.ExplicitAuthFlows
	switch {
	case len(flows) == 0:
		return slices.Contains(defaultAuthFlows, allow)
	case !slices.ContainsFunc(flows, isLegacyAuthFlow):
		return slices.Contains(flows, allow)
	case allow == "ALLOW_USER_SRP_AUTH" || allow == "ALLOW_REFRESH_TOKEN_AUTH":
		return true
	}
	return slices.ContainsFunc(flows, func(f string) bool { return legacyAuthFlows[f] == allow })
}

// rotatesRefreshTokens reports whether refresh issues a new refresh token.
func (c *client) rotatesRefreshTokens() bool {
	return c.Config.RefreshTokenRotation != nil && c.Config.RefreshTokenRotation.Feature == "ENABLED"
}

// rotationGraceSeconds is how long a rotated-out refresh token still works.
func (c *client) rotationGraceSeconds() int64 {
	if r := c.Config.RefreshTokenRotation; r != nil && r.RetryGracePeriodSeconds != nil {
		return *r.RetryGracePeriodSeconds
	}
	return 0
}

// preventsUserExistenceErrors reports whether unknown users must look like wrong passwords.
func (c *client) preventsUserExistenceErrors() bool {
	return c.Config.PreventUserExistenceErrors == "ENABLED"
}

// lifetimes returns the validity of access, ID and refresh tokens.
func (c *client) lifetimes() (access, id, refresh time.Duration) {
	units := c.Config.TokenValidityUnits
	if units == nil {
		units = &TokenValidityUnits{}
	}
	return validity(c.Config.AccessTokenValidity, units.AccessToken, "hours"),
		validity(c.Config.IdTokenValidity, units.IdToken, "hours"),
		validity(c.Config.RefreshTokenValidity, units.RefreshToken, "days")
}

func validity(n int64, unit, defaultUnit string) time.Duration {
	if unit == "" {
		unit = defaultUnit
	}
	return time.Duration(n) * unitDuration[unit]
}

var unitDuration = map[string]time.Duration{
	"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour,
}

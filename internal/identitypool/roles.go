package identitypool

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// Role kinds, the keys of SetIdentityPoolRoles' Roles.
const (
	authenticatedRole   = "authenticated"
	unauthenticatedRole = "unauthenticated"
)

const (
	maxRoleMappings = 10
	maxRules        = 25 // the quota per provider (the model allows 400)
)

var matchTypes = map[string]bool{"Equals": true, "Contains": true, "StartsWith": true, "NotEqual": true}

func (s *Service) SetIdentityPoolRoles(ctx context.Context, in *PoolRoles) (*struct{}, error) {
	if err := checkPoolID(in.IdentityPoolId); err != nil {
		return nil, err
	}
	if err := checkRoles(in); err != nil {
		return nil, err
	}
	stored := PoolRoles{Roles: in.Roles, RoleMappings: in.RoleMappings}
	encoded, err := json.Marshal(stored)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	err = s.store.UpdateIdentityPool(ctx, in.IdentityPoolId, func(sp store.IdentityPool) (store.IdentityPool, error) {
		sp.Roles, sp.UpdatedAt = encoded, s.clock()
		return sp, nil
	})
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.IdentityPoolId))
	}
	return nil, nil
}

func (s *Service) GetIdentityPoolRoles(ctx context.Context, in *PoolIDInput) (*PoolRoles, error) {
	sp, _, err := s.loadPool(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	r, err := poolRoles(sp)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	r.IdentityPoolId = sp.ID
	return r, nil
}

func poolRoles(sp store.IdentityPool) (*PoolRoles, error) {
	var r PoolRoles
	if len(sp.Roles) > 0 {
		if err := json.Unmarshal(sp.Roles, &r); err != nil {
			return nil, fmt.Errorf("identity pool %s: stored roles: %w", sp.ID, err)
		}
	}
	return &r, nil
}

func checkRoles(in *PoolRoles) error {
	for kind, arn := range in.Roles {
		if kind != authenticatedRole && kind != unauthenticatedRole {
			return invalidParameter("Invalid Roles key %q: expected authenticated or unauthenticated.", kind)
		}
		if err := checkRoleARN(arn); err != nil {
			return err
		}
	}
	if len(in.RoleMappings) > maxRoleMappings {
		return constraintViolated("Value at 'roleMappings' failed to satisfy constraint: Member must have length less than or equal to %d", maxRoleMappings)
	}
	for provider, m := range in.RoleMappings {
		if err := checkMapping(provider, m); err != nil {
			return err
		}
	}
	return nil
}

func checkMapping(provider string, m RoleMapping) error {
	if provider == "" || len(provider) > 256 {
		return invalidParameter("Invalid RoleMappings key %q.", provider)
	}
	if m.AmbiguousRoleResolution != "AuthenticatedRole" && m.AmbiguousRoleResolution != "Deny" {
		return invalidParameter("RoleMappings[%s]: AmbiguousRoleResolution must be AuthenticatedRole or Deny.", provider)
	}
	switch m.Type {
	case "Token":
		if m.RulesConfiguration != nil && len(m.RulesConfiguration.Rules) > 0 {
			return invalidParameter("RoleMappings[%s]: a Token mapping takes no RulesConfiguration.", provider)
		}
	case "Rules":
		if m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 {
			return invalidParameter("RoleMappings[%s]: a Rules mapping needs RulesConfiguration with at least one rule.", provider)
		}
		if len(m.RulesConfiguration.Rules) > maxRules {
			return invalidParameter("RoleMappings[%s]: at most %d rules are allowed.", provider, maxRules)
		}
		for i, r := range m.RulesConfiguration.Rules {
			if r.Claim == "" || len(r.Claim) > 64 || r.Value == "" || len(r.Value) > 128 || !matchTypes[r.MatchType] {
				return invalidParameter("RoleMappings[%s].Rules[%d]: Claim (1-64), Value (1-128) and MatchType (Equals, Contains, StartsWith, NotEqual) are required.", provider, i)
			}
			if err := checkRoleARN(r.RoleARN); err != nil {
				return err
			}
		}
	default:
		return invalidParameter("RoleMappings[%s]: Type must be Token or Rules.", provider)
	}
	return nil
}

func checkRoleARN(arn string) error {
	if len(arn) < 20 || len(arn) > 2048 || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":role/") {
		return invalidParameter("Invalid role ARN %q.", arn)
	}
	return nil
}

package userpool

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// pool is a stored pool with its settings decoded, the form every operation
// reasons about.
type pool struct {
	store.UserPool
	Config PoolConfig
}

func (s *Service) loadPool(ctx context.Context, id string) (*pool, error) {
	if id == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")
	}
	p, err := s.store.GetUserPool(ctx, id)
	if err != nil {
		return nil, storeErr(err, poolNotFound(id))
	}
	var cfg PoolConfig
	if len(p.Settings) > 0 {
		if err := json.Unmarshal(p.Settings, &cfg); err != nil {
			return nil, awserr.Internal(err)
		}
	}
	return &pool{UserPool: p, Config: cfg}, nil
}

// caseSensitive reports whether usernames differ by case. The API's default
// (no UsernameConfiguration) is case-sensitive, as in Cognito.
func (p *pool) caseSensitive() bool {
	uc := p.Config.UsernameConfiguration
	return uc == nil || uc.CaseSensitive == nil || *uc.CaseSensitive
}

// usernameIsAttribute reports whether users sign in with email or phone in
// place of a username (UsernameAttributes); their username is then their sub.
func (p *pool) usernameIsAttribute(name string) bool {
	return slices.Contains(p.Config.UsernameAttributes, name)
}

// signInAttributes are the attributes a user may sign in with besides the username.
func (p *pool) signInAttributes() []string {
	return append(slices.Clone(p.Config.UsernameAttributes), p.Config.AliasAttributes...)
}

func (p *pool) passwordPolicy() PasswordPolicy {
	if p.Config.Policies != nil && p.Config.Policies.PasswordPolicy != nil {
		return *p.Config.Policies.PasswordPolicy
	}
	return defaultPasswordPolicy
}

func (p *pool) arn(region, account string) string {
	return "arn:aws:cognito-idp:" + region + ":" + account + ":userpool/" + p.ID
}

var defaultPasswordPolicy = PasswordPolicy{
	MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
	RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
}

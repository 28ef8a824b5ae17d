package identitypool

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// defaultTagMap is Cognito's default attribute mapping for user pools and
// OIDC providers: session tag → claim.
var defaultTagMap = map[string]string{"client": "aud", "username": "sub"}

const (
	maxPrincipalTags  = 50
	maxTagKeyLength   = 128
	maxTagClaimLength = 256
)

// tagConfig is one provider's stored principal tag map.
type tagConfig struct {
	UseDefaults   bool              `json:"UseDefaults"`
	PrincipalTags map[string]string `json:"PrincipalTags,omitempty"`
}

func tagConfigs(sp store.IdentityPool) (map[string]tagConfig, error) {
	out := map[string]tagConfig{}
	if len(sp.PrincipalTags) > 0 {
		if err := json.Unmarshal(sp.PrincipalTags, &out); err != nil {
			return nil, fmt.Errorf("identity pool %s: stored principal tags: %w", sp.ID, err)
		}
	}
	return out, nil
}

func (s *Service) SetPrincipalTagAttributeMap(ctx context.Context, in *TagMap) (*TagMap, error) {
	if err := checkPoolID(in.IdentityPoolId); err != nil {
		return nil, err
	}
	if err := tagProviderMember.check(in.IdentityProviderName, "", true); err != nil {
		return nil, err
	}
	if len(in.PrincipalTags) > maxPrincipalTags {
		return nil, constraintViolated("Value at 'principalTags' failed to satisfy constraint: Member must have length less than or equal to %d", maxPrincipalTags)
	}
	if err := checkMapEntries("principalTags", in.PrincipalTags, maxTagKeyLength, maxTagClaimLength); err != nil {
		return nil, err
	}
	cfg := tagConfig{UseDefaults: in.UseDefaults != nil && *in.UseDefaults, PrincipalTags: in.PrincipalTags}
	err := s.store.UpdateIdentityPool(ctx, in.IdentityPoolId, func(sp store.IdentityPool) (store.IdentityPool, error) {
		all, err := tagConfigs(sp)
		if err != nil {
			return sp, err
		}
		all[in.IdentityProviderName] = cfg
		encoded, err := json.Marshal(all)
		if err != nil {
			return sp, err
		}
		sp.PrincipalTags, sp.UpdatedAt = encoded, s.clock()
		return sp, nil
	})
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.IdentityPoolId))
	}
	return describeTagMap(in.IdentityPoolId, in.IdentityProviderName, cfg), nil
}

func (s *Service) GetPrincipalTagAttributeMap(ctx context.Context, in *GetTagMapInput) (*TagMap, error) {
	sp, _, err := s.loadPool(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	all, err := tagConfigs(sp)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	cfg, ok := all[in.IdentityProviderName]
	if !ok {
		cfg = tagConfig{UseDefaults: true}
	}
	return describeTagMap(sp.ID, in.IdentityProviderName, cfg), nil
}

func describeTagMap(poolID, provider string, cfg tagConfig) *TagMap {
	tags := cfg.PrincipalTags
	if cfg.UseDefaults {
		tags = defaultTagMap
	}
	return &TagMap{IdentityPoolId: poolID, IdentityProviderName: provider, UseDefaults: &cfg.UseDefaults, PrincipalTags: tags}
}

// sessionTags are the principal tags of a session: each login's claims
// through its provider's tag map (only providers with a map configured get
// tags, as in Cognito), and the tags an identity-pool token carries.
func sessionTags(configs map[string]tagConfig, logins []login) map[string]string {
	tags := map[string]string{}
	for _, l := range logins {
		if l.ownToken != nil {
			for k, v := range l.ownToken.tags() {
				tags[k] = v
			}
			continue
		}
		for _, key := range l.mappingKeys {
			cfg, ok := configs[key]
			if !ok {
				continue
			}
			mapping := cfg.PrincipalTags
			if cfg.UseDefaults {
				mapping = defaultTagMap
			}
			for tag, claim := range mapping {
				if values := claimValues(l.claims, claim); len(values) > 0 {
					tags[tag] = strings.Join(values, ",")
				}
			}
			break
		}
	}
	return tags
}

package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// maxCustomAttributes is Cognito's limit of custom attributes per pool.
const maxCustomAttributes = 50

type AddCustomAttributesInput struct {
	UserPoolId       string            `json:"UserPoolId"`
	CustomAttributes []SchemaAttribute `json:"CustomAttributes"`
}

// AddCustomAttributes adds custom attributes to a pool's schema, checked
// as CreateUserPool checks them; a name the pool already has is refused.
func (s *Service) AddCustomAttributes(ctx context.Context, in *AddCustomAttributesInput) (*Empty, error) {
	if len(in.CustomAttributes) == 0 {
		return nil, invalidParameter("1 validation error detected: Value null at 'customAttributes' failed to satisfy constraint: Member must not be null")
	}
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	err := s.store.UpdateUserPool(ctx, in.UserPoolId, func(sp store.UserPool) (store.UserPool, error) {
		var cfg PoolConfig
		if err := json.Unmarshal(sp.Settings, &cfg); err != nil {
			return sp, err
		}
		for _, requested := range in.CustomAttributes {
			a, err := customAttribute(requested)
			if err != nil {
				return sp, err
			}
			if slices.ContainsFunc(cfg.Schema, func(o SchemaAttribute) bool { return o.Name == a.Name }) {
				return sp, invalidParameter("%s: Existing attribute already has name %s.", strings.TrimPrefix(a.Name, "dev:"), a.Name)
			}
			cfg.Schema = append(cfg.Schema, a)
		}
		if n := slices.IndexFunc(cfg.Schema, func(a SchemaAttribute) bool { return !isStandardAttribute(a.Name) }); n >= 0 && len(cfg.Schema)-n > maxCustomAttributes {
			return sp, awserr.Newf(awserr.LimitExceeded, "A user pool can have at most %d custom attributes.", maxCustomAttributes)
		}
		settings, err := json.Marshal(cfg)
		if err != nil {
			return sp, err
		}
		sp.Settings, sp.UpdatedAt = settings, s.clock()
		return sp, nil
	})
	return &Empty{}, storeErr(err, poolNotFound(in.UserPoolId))
}

package identitypool

import (
	"context"
	"sort"

	"github.com/moat-dev/moat/internal/store"
)

func (s *Service) CreateIdentityPool(ctx context.Context, in *IdentityPool) (*IdentityPool, error) {
	if err := s.validate(in); err != nil {
		return nil, err
	}
	return s.createPool(ctx, newID(s.region), in)
}

// createPool stores a validated pool under id, with no roles; an id in use
// is store.ErrAlreadyExists (wrapped).
func (s *Service) createPool(ctx context.Context, id string, in *IdentityPool) (*IdentityPool, error) {
	now := s.clock()
	p := *in
	p.IdentityPoolId = id
	err := s.store.CreateIdentityPool(ctx, store.IdentityPool{
		ID: p.IdentityPoolId, Name: p.IdentityPoolName, Config: encodeConfig(p),
		Roles: []byte(`{}`), PrincipalTags: []byte(`{}`), CreatedAt: now, UpdatedAt: now,
	})
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return &p, nil
}

// loadPool reads a pool and its configuration.
func (s *Service) loadPool(ctx context.Context, id string) (store.IdentityPool, *IdentityPool, error) {
	if err := checkPoolID(id); err != nil {
		return store.IdentityPool{}, nil, err
	}
	sp, err := s.store.GetIdentityPool(ctx, id)
	if err != nil {
		return sp, nil, storeErr(err, poolNotFound(id))
	}
	p, err := config(sp)
	if err != nil {
		return sp, nil, storeErr(err, nil)
	}
	return sp, p, nil
}

func (s *Service) DescribeIdentityPool(ctx context.Context, in *PoolIDInput) (*IdentityPool, error) {
	_, p, err := s.loadPool(ctx, in.IdentityPoolId)
	return p, err
}

// UpdateIdentityPool replaces the pool's configuration, as Cognito's does;
// a DeveloperProviderName, once set, cannot change.
func (s *Service) UpdateIdentityPool(ctx context.Context, in *IdentityPool) (*IdentityPool, error) {
	if err := checkPoolID(in.IdentityPoolId); err != nil {
		return nil, err
	}
	if err := s.validate(in); err != nil {
		return nil, err
	}
	err := s.store.UpdateIdentityPool(ctx, in.IdentityPoolId, func(sp store.IdentityPool) (store.IdentityPool, error) {
		old, err := config(sp)
		if err != nil {
			return sp, err
		}
		if old.DeveloperProviderName != "" && in.DeveloperProviderName != old.DeveloperProviderName {
			return sp, invalidParameter("Cannot change DeveloperProviderName once it is set.")
		}
		sp.Name, sp.Config, sp.UpdatedAt = in.IdentityPoolName, encodeConfig(*in), s.clock()
		return sp, nil
	})
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.IdentityPoolId))
	}
	out := *in
	return &out, nil
}

func (s *Service) DeleteIdentityPool(ctx context.Context, in *PoolIDInput) (*struct{}, error) {
	if err := checkPoolID(in.IdentityPoolId); err != nil {
		return nil, err
	}
	if err := s.store.DeleteIdentityPool(ctx, in.IdentityPoolId); err != nil {
		return nil, storeErr(err, poolNotFound(in.IdentityPoolId))
	}
	return nil, nil
}

// ListIdentityPools pages through pools by ID; NextToken is the ID the next page starts at.
func (s *Service) ListIdentityPools(ctx context.Context, in *ListIdentityPoolsInput) (*ListIdentityPoolsOutput, error) {
	if in.MaxResults < 1 || in.MaxResults > 60 {
		return nil, constraintViolated("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", in.MaxResults)
	}
	if in.NextToken != "" && !validID(in.NextToken) {
		return nil, invalidParameter("Invalid NextToken.")
	}
	pools, err := s.store.ListIdentityPools(ctx)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	start := sort.Search(len(pools), func(i int) bool { return pools[i].ID >= in.NextToken })
	out := &ListIdentityPoolsOutput{IdentityPools: []PoolShortDescription{}}
	for _, p := range pools[start:] {
		if int64(len(out.IdentityPools)) == in.MaxResults {
			out.NextToken = p.ID
			break
		}
		out.IdentityPools = append(out.IdentityPools, PoolShortDescription{IdentityPoolId: p.ID, IdentityPoolName: p.Name})
	}
	return out, nil
}

package identitypool

import (
	"context"
	"errors"
	"sort"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// GetId returns the identity the logins belong to — creating it, or linking
// and merging, as needed — or, with no logins, a new guest identity.
func (s *Service) GetId(ctx context.Context, in *GetIdInput) (*IdentityIDOutput, error) {
	_, pool, err := s.loadPool(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if len(in.Logins) == 0 {
		if !pool.AllowUnauthenticatedIdentities {
			return nil, errGuestsOff
		}
		i, err := s.createIdentity(ctx, pool.IdentityPoolId, nil)
		if err != nil {
			return nil, err
		}
		return &IdentityIDOutput{IdentityId: i.ID}, nil
	}
	logins, err := s.verifyLogins(ctx, pool, in.Logins)
	if err != nil {
		return nil, err
	}
	i, err := s.identityFor(ctx, pool.IdentityPoolId, logins)
	if err != nil {
		return nil, err
	}
	return &IdentityIDOutput{IdentityId: i.ID}, nil
}

// linkable are the logins an identity keeps (all but identity-pool tokens).
func linkable(logins []login) map[string]string {
	out := map[string]string{}
	for _, l := range logins {
		if l.ownToken == nil {
			out[l.provider] = l.subject
		}
	}
	return out
}

// identityFor finds the identity verified logins belong to: the one an
// identity-pool token names, else the first already linked to one of them,
// else a new one. The logins are then claimed for it (see claim).
func (s *Service) identityFor(ctx context.Context, poolID string, logins []login) (store.Identity, error) {
	found, err := s.existingIdentity(ctx, poolID, logins)
	if err != nil {
		return store.Identity{}, err
	}
	links := linkable(logins)
	if found == nil {
		i, err := s.createIdentity(ctx, poolID, links)
		if !errors.Is(err, store.ErrAlreadyExists) {
			return i, err
		}
		// Another request linked one of these logins first; join it.
		if found, err = s.existingIdentity(ctx, poolID, logins); err != nil {
			return store.Identity{}, err
		}
		if found == nil {
			return store.Identity{}, awserr.Internal(errors.New("identitypool: a login taken while linking has vanished"))
		}
	}
	return s.claim(ctx, *found, logins)
}

// claim links the logins to identity i and returns the identity that holds
// them afterwards. When i is a guest's (no logins yet) and one of the
// logins already belongs to another identity, Cognito keeps the user's
// identity and merges the guest's into it: the guest identity is disabled
// and the user's identity, with its id, is returned — so data keyed by the
// identity id survives signing in from a fresh guest session. Otherwise the
// identity presented survives, merging any that held its new logins.
func (s *Service) claim(ctx context.Context, i store.Identity, logins []login) (store.Identity, error) {
	if i.Disabled {
		return i, identityDisabled(i.ID)
	}
	links := linkable(logins)
	if len(i.Logins) == 0 {
		holder, err := s.loginHolder(ctx, i.PoolID, logins)
		if err != nil {
			return i, err
		}
		if holder != nil && holder.ID != i.ID {
			user, err := s.link(ctx, *holder, links)
			if err != nil {
				return user, err
			}
			return user, s.retire(ctx, i.ID)
		}
	}
	return s.link(ctx, i, links)
}

// retire disables a guest identity merged into a user's; the credentials
// issued to it are revoked with it (IsRevoked reports disabled identities).
func (s *Service) retire(ctx context.Context, id string) error {
	return s.changeIdentity(ctx, id, func(i *store.Identity, _ int64) { i.Disabled = true })
}

func (s *Service) existingIdentity(ctx context.Context, poolID string, logins []login) (*store.Identity, error) {
	for _, l := range logins {
		if l.ownToken == nil {
			continue
		}
		i, err := s.store.GetIdentity(ctx, l.ownToken.Subject)
		if err != nil || i.PoolID != poolID {
			return nil, storeErr(err, errTokenInvalid)
		}
		return &i, nil
	}
	return s.loginHolder(ctx, poolID, logins)
}

// loginHolder is the first identity of the pool already linked to one of
// the logins, or nil.
func (s *Service) loginHolder(ctx context.Context, poolID string, logins []login) (*store.Identity, error) {
	for _, l := range logins {
		if l.ownToken != nil {
			continue
		}
		i, err := s.store.FindIdentityByLogin(ctx, poolID, l.provider, l.subject)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, storeErr(err, nil)
		}
		return &i, nil
	}
	return nil, nil
}

// link gives an identity the logins it lacks; an identity that already
// has them all is returned as it is.
func (s *Service) link(ctx context.Context, i store.Identity, links map[string]string) (store.Identity, error) {
	if i.Disabled {
		return i, identityDisabled(i.ID)
	}
	missing := false
	for p, sub := range links {
		missing = missing || i.Logins[p] != sub
	}
	if !missing {
		return i, nil
	}
	linked, err := s.store.LinkLogins(ctx, i.ID, links, s.clock())
	if errors.Is(err, store.ErrConflict) {
		return i, awserr.New(ResourceConflict, "This identity already has a login from one of these providers for another user.")
	}
	if err != nil {
		return i, storeErr(err, identityNotFound(i.ID))
	}
	return linked, nil
}

func (s *Service) createIdentity(ctx context.Context, poolID string, logins map[string]string) (store.Identity, error) {
	now := s.clock()
	i := store.Identity{ID: newID(s.region), PoolID: poolID, Logins: logins, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateIdentity(ctx, i); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return i, err
		}
		return i, storeErr(err, poolNotFound(poolID))
	}
	return i, nil
}

func (s *Service) DescribeIdentity(ctx context.Context, in *IdentityIDInput) (*IdentityDescription, error) {
	i, err := s.loadIdentity(ctx, in.IdentityId)
	if err != nil {
		return nil, err
	}
	out := &IdentityDescription{IdentityId: i.ID, CreationDate: float64(i.CreatedAt), LastModifiedDate: float64(i.UpdatedAt)}
	for p := range i.Logins {
		out.Logins = append(out.Logins, p)
	}
	sort.Strings(out.Logins)
	return out, nil
}

func (s *Service) loadIdentity(ctx context.Context, id string) (store.Identity, error) {
	if err := checkIdentityID(id); err != nil {
		return store.Identity{}, err
	}
	i, err := s.store.GetIdentity(ctx, id)
	if err != nil {
		return i, storeErr(err, identityNotFound(id))
	}
	return i, nil
}

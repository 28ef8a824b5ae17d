package identitypool

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// revocationTTL bounds how long a revocation made on another replica can go
// unnoticed here; revocationEntries bounds the cache (past it, it starts over).
const (
	revocationTTL     = 5 * time.Second
	revocationEntries = 100000
)

// RevokeCredentials voids every credential issued to the identity until now:
// IsRevoked answers true for them (on every replica within revocationTTL).
// Credentials issued in the same second as the revocation are voided too.
func (s *Service) RevokeCredentials(ctx context.Context, identityID string) error {
	if err := checkIdentityID(identityID); err != nil {
		return err
	}
	return s.changeIdentity(ctx, identityID, func(i *store.Identity, now int64) { i.CredentialsRevokedAt = now })
}

// changeIdentity applies change to the identity and stamps it, then drops
// the cached revocation state so this replica's checks see the change at once.
func (s *Service) changeIdentity(ctx context.Context, id string, change func(i *store.Identity, now int64)) error {
	now := s.clock()
	err := s.store.UpdateIdentity(ctx, id, func(i store.Identity) (store.Identity, error) {
		change(&i, now)
		i.UpdatedAt = now
		return i, nil
	})
	if err != nil {
		return storeErr(err, identityNotFound(id))
	}
	s.revocations.forget(id)
	return nil
}

// IsRevoked tells the SigV4 authorizer whether credentials issued to the
// identity at issuedAt may no longer be used: the identity was revoked at or
// after that second, disabled (merged into another), or is gone with its
// pool. Answers are cached up to revocationTTL, so the hot path rarely
// reaches the store.
func (s *Service) IsRevoked(ctx context.Context, identityID string, issuedAt time.Time) (bool, error) {
	st, err := s.revocations.state(ctx, identityID)
	if err != nil {
		return false, err
	}
	return st.gone || st.disabled || issuedAt.Unix() <= st.revokedAt, nil
}

type revocationState struct {
	gone, disabled bool
	revokedAt      int64
	loadedAt       time.Time
}

type revocationCache struct {
	store store.Store
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]revocationState
}

func newRevocationCache(st store.Store, now func() time.Time) *revocationCache {
	return &revocationCache{store: st, now: now, entries: make(map[string]revocationState)}
}

func (c *revocationCache) state(ctx context.Context, identityID string) (revocationState, error) {
	now := c.now()
	c.mu.Lock()
	st, ok := c.entries[identityID]
	c.mu.Unlock()
	if ok && now.Sub(st.loadedAt) < revocationTTL {
		return st, nil
	}
	i, err := c.store.GetIdentity(ctx, identityID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		st = revocationState{gone: true, loadedAt: now}
	case err != nil:
		return revocationState{}, err
	default:
		st = revocationState{disabled: i.Disabled, revokedAt: i.CredentialsRevokedAt, loadedAt: now}
	}
	c.mu.Lock()
	if len(c.entries) >= revocationEntries {
		c.entries = make(map[string]revocationState)
	}
	c.entries[identityID] = st
	c.mu.Unlock()
	return st, nil
}

func (c *revocationCache) forget(identityID string) {
	c.mu.Lock()
	delete(c.entries, identityID)
	c.mu.Unlock()
}

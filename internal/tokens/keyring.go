package tokens

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

const (
	// keysMaxAge bounds how stale a replica's view of a pool's keys may get,
	// so a rotation made by another replica is picked up.
	keysMaxAge = 30 * time.Second
	// unknownKIDReloadEvery limits the reloads an unknown kid may cause:
	// whoever sends a token chooses its kid.
	unknownKIDReloadEvery = 10 * time.Second
)

// poolKeys holds the current key set of one pool.
type poolKeys struct {
	loading sync.Mutex // one store load at a time per pool
	set     atomic.Pointer[keySet]
}

// keys returns the pool's key set, loaded from the store no longer than maxAge
// ago. A pool that does not exist yields an error matching store.ErrNotFound.
func (s *Service) keys(ctx context.Context, poolID string, maxAge time.Duration) (*keySet, error) {
	pk := s.poolEntry(poolID)
	fresh := func(set *keySet) bool { return set != nil && s.now().Sub(set.loadedAt) < maxAge }
	if set := pk.set.Load(); fresh(set) {
		return set, nil
	}
	pk.loading.Lock()
	defer pk.loading.Unlock()
	prev := pk.set.Load()
	if fresh(prev) { // loaded while we waited
		return prev, nil
	}
	set, err := s.load(ctx, poolID, pk)
	if err != nil && prev != nil && !errors.Is(err, store.ErrNotFound) {
		return prev, nil // a store outage should not stop tokens verifying with keys we hold
	}
	return set, err
}

// reload loads the pool's keys now, so this replica sees its own changes.
func (s *Service) reload(ctx context.Context, poolID string) error {
	pk := s.poolEntry(poolID)
	pk.loading.Lock()
	defer pk.loading.Unlock()
	_, err := s.load(ctx, poolID, pk)
	return err
}

// load reads the pool's keys; the caller holds pk.loading.
func (s *Service) load(ctx context.Context, poolID string, pk *poolKeys) (*keySet, error) {
	loadedAt := s.now()
	if _, err := s.st.GetUserPool(ctx, poolID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// Only a pool that existed can have cached tokens; sweeping the
			// cache for every made-up pool in a token would be a DoS lever.
			if pk.set.Load() != nil {
				s.ForgetPool(poolID)
			} else {
				s.dropPoolEntry(poolID)
			}
		}
		return nil, fmt.Errorf("tokens: user pool %s: %w", poolID, err)
	}
	stored, err := s.st.ListSigningKeys(ctx, poolID)
	if err != nil {
		return nil, fmt.Errorf("tokens: keys of pool %s: %w", poolID, err)
	}
	set, err := newKeySet(stored, pk.set.Load(), loadedAt)
	if err != nil {
		return nil, err
	}
	pk.set.Store(set)
	return set, nil
}

// poolEntry returns the pool's entry, creating it. Entries exist only for
// pools that exist: load drops the entry of a pool the store does not know.
func (s *Service) poolEntry(poolID string) *poolKeys {
	s.mu.Lock()
	defer s.mu.Unlock()
	pk, ok := s.pools[poolID]
	if !ok {
		pk = &poolKeys{}
		s.pools[poolID] = pk
	}
	return pk
}

// ForgetPool drops everything held in memory for a pool — its keys and its
// cached verified tokens. Call it when a pool is deleted so its tokens stop
// verifying at once rather than when they expire.
func (s *Service) ForgetPool(poolID string) {
	s.dropPoolEntry(poolID)
	s.cache.RemoveIf(func(_ [sha256.Size]byte, c *Claims) bool { return c.PoolID == poolID })
}

func (s *Service) dropPoolEntry(poolID string) {
	s.mu.Lock()
	delete(s.pools, poolID)
	s.mu.Unlock()
}

package roles

import (
	"sync"
	"time"
)

// maxCacheTTL bounds how stale another replica's change can look here.
const maxCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache; past it the cache starts over, which only
// costs a few store reads.
const maxCacheEntries = 10000

// compiledCache keeps compiled roles by ARN for a short time. A lookup that
// found no role is kept too, so a flood of requests naming a deleted role
// does not reach the store.
type compiledCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.RWMutex
	entries map[string]cacheEntry
	// generation counts local changes, so a load that raced with one is
	// not cached (it may have read the role as it was before).
	generation uint64
}

type cacheEntry struct {
	role    *Compiled // nil: no such role
	expires time.Time
}

func newCompiledCache(ttl time.Duration, now func() time.Time) *compiledCache {
	if ttl <= 0 || ttl > maxCacheTTL {
		ttl = maxCacheTTL
	}
	return &compiledCache{ttl: ttl, now: now, entries: map[string]cacheEntry{}}
}

func (c *compiledCache) get(arn string) (role *Compiled, found bool) {
	c.mu.RLock()
	e, ok := c.entries[arn]
	c.mu.RUnlock()
	if !ok || !c.now().Before(e.expires) {
		return nil, false
	}
	return e.role, true
}

// loadStarting returns the generation to hand to put once the load is done.
func (c *compiledCache) loadStarting() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.generation
}

func (c *compiledCache) put(arn string, role *Compiled, generation uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation != c.generation {
		return
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
	}
	c.entries[arn] = cacheEntry{role: role, expires: c.now().Add(c.ttl)}
}

func (c *compiledCache) forget(arn string) {
	c.mu.Lock()
	delete(c.entries, arn)
	c.generation++
	c.mu.Unlock()
}

package usage

import (
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// lookup is what the store says about a key value on one API stage: the key
// (nil when no key has that value) and its plan for the stage (nil: none).
type lookup struct {
	key  *store.APIKey
	plan *store.UsagePlan
}

// lookupCache keeps lookups briefly so the hot path does not query the store
// per request; unknown values are cached too, so a flood of bad keys does not
// reach the database. Changes made through this Service clear it at once;
// changes made elsewhere (another process) show within the TTL.
type lookupCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[string]cachedLookup
}

type cachedLookup struct {
	lookup
	expires time.Time
}

func newLookupCache(ttl time.Duration, max int) *lookupCache {
	return &lookupCache{ttl: ttl, max: max, entries: map[string]cachedLookup{}}
}

func (c *lookupCache) get(k string, now time.Time) (lookup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || !now.Before(e.expires) {
		return lookup{}, false
	}
	return e.lookup, true
}

func (c *lookupCache) put(k string, l lookup, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries) // entries live seconds: starting over costs one query each
	}
	c.entries[k] = cachedLookup{lookup: l, expires: now.Add(c.ttl)}
}

func (c *lookupCache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

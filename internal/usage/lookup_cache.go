package usage

import (
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// lookup is what the store says about a key value on one API stage: the key
// (nil when no key has that value) and its plan for the stage (nil: none).
type lookup struct {
	key  *store.APIKey
	plan *store.UsagePlan
}

// lookupCache keeps lookups briefly so the hot path does not query the store
// per request; unknown values are cached too, so a flood of bad keys does not
// reach the database. Changes made through this Service clear it at once
// (and win over a lookup racing with them); changes made elsewhere (another
// process) show within the TTL.
type lookupCache struct {
	ttl     time.Duration
	entries *ttlcache.Cache[string, lookup]
}

func newLookupCache(ttl time.Duration, max int) *lookupCache {
	return &lookupCache{ttl: ttl, entries: ttlcache.New[string, lookup](max, ttl)}
}

// get returns the cached lookup or, on a miss, the ticket to put one with.
func (c *lookupCache) get(k string, now time.Time) (lookup, ttlcache.Ticket, bool) {
	ticket := c.entries.Ticket()
	l, ok := c.entries.Get(k, now)
	return l, ticket, ok
}

func (c *lookupCache) put(ticket ttlcache.Ticket, k string, l lookup, now time.Time) {
	c.entries.PutUnlessRemoved(ticket, k, l, now.Add(c.ttl), now)
}

func (c *lookupCache) purge() { c.entries.Clear() }

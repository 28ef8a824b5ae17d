package usage

import (
	"crypto/sha256"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// lookup is what the store says about a key value on one API stage: the key
// (nil when no key has that value) and its plan for the stage (nil: none).
type lookup struct {
	key  *store.APIKey
	plan *store.UsagePlan
	// planBucket is the plan throttle's bucket for this key, named once
	// rather than per request.
	planBucket string
}

// lookupKey names a lookup: the value's digest on an API stage.
type lookupKey struct {
	digest       [sha256.Size]byte
	apiID, stage string
}

// lookupCache keeps lookups briefly so the hot path does not query the store
// per request; unknown values are cached too, so a flood of bad keys does not
// reach the database. Changes made through this Service clear it at once
// (and win over a lookup racing with them); changes made elsewhere (another
// process) show within the TTL.
type lookupCache struct {
	ttl     time.Duration
	entries *ttlcache.Cache[lookupKey, lookup]
}

func newLookupCache(ttl time.Duration, max int) *lookupCache {
	return &lookupCache{ttl: ttl, entries: ttlcache.New[lookupKey, lookup](max, ttl)}
}

// get returns the cached lookup or, on a miss, the ticket to put one with.
func (c *lookupCache) get(k lookupKey, now time.Time) (lookup, ttlcache.Ticket, bool) {
	ticket := c.entries.Ticket()
	l, ok := c.entries.Get(k, now)
	return l, ticket, ok
}

func (c *lookupCache) put(ticket ttlcache.Ticket, k lookupKey, l lookup, now time.Time) {
	c.entries.PutUnlessRemoved(ticket, k, l, now.Add(c.ttl), now)
}

func (c *lookupCache) purge() { c.entries.Clear() }

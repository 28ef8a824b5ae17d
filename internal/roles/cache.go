package roles

import (
	"time"

	"github.com/moat-dev/moat/internal/ttlcache"
)

// maxCacheTTL bounds how stale another replica's change can look here.
const maxCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache; past it the oldest answers make room,
// which only costs a few store reads.
const maxCacheEntries = 10000

// compiledCache keeps compiled roles by ARN for a short time. A lookup that
// found no role is kept too, so a flood of requests naming a deleted role
// does not reach the store. A local change wins over a load that raced with
// it (the load may have read the role as it was before).
type compiledCache struct {
	ttl     time.Duration
	now     func() time.Time
	entries *ttlcache.Cache[string, *Compiled] // nil value: no such role
}

func newCompiledCache(ttl time.Duration, now func() time.Time) *compiledCache {
	if ttl <= 0 || ttl > maxCacheTTL {
		ttl = maxCacheTTL
	}
	return &compiledCache{ttl: ttl, now: now, entries: ttlcache.New[string, *Compiled](maxCacheEntries, ttl)}
}

func (c *compiledCache) get(arn string) (role *Compiled, found bool) {
	return c.entries.Get(arn, c.now())
}

// loadStarting returns the ticket to hand to put once the load is done.
func (c *compiledCache) loadStarting() ttlcache.Ticket { return c.entries.Ticket() }

func (c *compiledCache) put(arn string, role *Compiled, ticket ttlcache.Ticket) {
	now := c.now()
	c.entries.PutUnlessRemoved(ticket, arn, role, now.Add(c.ttl), now)
}

func (c *compiledCache) forget(arn string) { c.entries.Remove(arn) }

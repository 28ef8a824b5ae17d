// Package ttlcache is moat's one cache of answers that lapse: verified
// tokens, opened sessions, revocation answers, compiled roles, API-key
// lookups, signing keys. Its rules hold for every use:
//   - an entry is never returned at or after its deadline, which is the
//     value's own expiry, capped by the cache's maximum age;
//   - a removal wins over a concurrent load: a value loaded before a
//     Remove, RemoveIf or Clear (a revoked session, a changed role) and
//     stored after it is dropped (Ticket, PutUnlessRemoved);
//   - it is bounded: what fills it may be chosen by clients (tokens, key
//     values), so when full, lapsed entries go first, then arbitrary ones —
//     a lost entry costs only the work of finding its answer again.
//
// Lookups take a read lock and allocate nothing; the caller passes the
// time, so a cache follows whatever clock its user is tested with.
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps keys to values until their deadlines.
type Cache[K comparable, V any] struct {
	size   int
	maxAge int64 // nanoseconds; 0: no cap

	mu       sync.RWMutex
	entries  map[K]entry[V]
	removals Ticket
}

type entry[V any] struct {
	value V
	until int64 // unix nanoseconds
}

// A Ticket marks the removals a cache has seen; see PutUnlessRemoved.
type Ticket uint64

// New returns a cache of at most size entries (at least 1), none kept
// longer than maxAge (0: only until their own deadlines).
func New[K comparable, V any](size int, maxAge time.Duration) *Cache[K, V] {
	return &Cache[K, V]{size: max(size, 1), maxAge: int64(maxAge), entries: make(map[K]entry[V])}
}

// Get returns the key's value if its deadline is after now.
func (c *Cache[K, V]) Get(key K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || now.UnixNano() >= e.until {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put stores value until its deadline: until, or now plus the cache's
// maximum age if that comes first. A deadline not after now stores nothing.
func (c *Cache[K, V]) Put(key K, value V, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(key, value, until, now)
}

// Ticket is taken before loading a value whose source a removal can
// invalidate; PutUnlessRemoved then stores it only if no removal came since.
func (c *Cache[K, V]) Ticket() Ticket {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.removals
}

// PutUnlessRemoved is Put, unless something was removed since t was taken:
// then the value may predate the removal and is dropped. It reports whether
// the value was stored.
func (c *Cache[K, V]) PutUnlessRemoved(t Ticket, key K, value V, until, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t != c.removals {
		return false
	}
	return c.put(key, value, until, now)
}

func (c *Cache[K, V]) put(key K, value V, until, now time.Time) bool {
	deadline, nowNano := until.UnixNano(), now.UnixNano()
	if c.maxAge > 0 && nowNano+c.maxAge < deadline {
		deadline = nowNano + c.maxAge
	}
	if deadline <= nowNano {
		return false
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		c.makeRoom(nowNano)
	}
	c.entries[key] = entry[V]{value: value, until: deadline}
	return true
}

// makeRoom frees an eighth of the capacity at once, so the sweep's cost is
// shared by the many insertions that follow: lapsed entries first, then
// arbitrary ones.
func (c *Cache[K, V]) makeRoom(now int64) {
	target := c.size - max(c.size/8, 1)
	for key, e := range c.entries {
		if now >= e.until {
			delete(c.entries, key)
		}
	}
	for key := range c.entries {
		if len(c.entries) <= target {
			return
		}
		delete(c.entries, key)
	}
}

// Remove drops a key.
func (c *Cache[K, V]) Remove(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
	c.removals++
}

// RemoveIf drops every entry drop reports true for.
func (c *Cache[K, V]) RemoveIf(drop func(K, V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.entries {
		if drop(key, e.value) {
			delete(c.entries, key)
		}
	}
	c.removals++
}

// Clear drops every entry.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.removals++
}

// Len is how many entries the cache holds, lapsed ones included.
func (c *Cache[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

package authorizer

import "sync"

// expiringCache is a bounded map whose entries lapse at their own deadlines
// (unix nanoseconds). What fills it is chosen by clients, so when it is full
// lapsed entries go first, then arbitrary ones; a lost entry only costs the
// work of finding its answer again.
type expiringCache[K comparable, V any] struct {
	mu      sync.RWMutex
	max     int
	entries map[K]expiring[V]
}

type expiring[V any] struct {
	value V
	until int64
}

func newExpiringCache[K comparable, V any](max int) *expiringCache[K, V] {
	return &expiringCache[K, V]{max: max, entries: make(map[K]expiring[V])}
}

// get returns the key's value if it has not lapsed by now.
func (c *expiringCache[K, V]) get(key K, now int64) (V, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || now >= e.until {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *expiringCache[K, V]) put(key K, value V, until, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		c.makeRoom(now)
	}
	c.entries[key] = expiring[V]{value: value, until: until}
}

// makeRoom frees an eighth of the capacity at once, so the cost of the sweep
// is shared by the many insertions that follow.
func (c *expiringCache[K, V]) makeRoom(now int64) {
	target := c.max - max(c.max/8, 1)
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

func (c *expiringCache[K, V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

package tempcreds

import (
	"sync"
	"time"
)

// openedRemembered bounds the opened-session cache: Open runs on every
// signed request, and decrypting and decoding a token costs far more than a
// map lookup.
const openedRemembered = 20_000

// openedCache maps a token's SHA-256 to its opened session until the
// session expires. Tokens are chosen by clients, so the cache is bounded:
// when full, expired sessions go first, then arbitrary ones.
type openedCache struct {
	mu       sync.RWMutex
	max      int
	sessions map[[32]byte]*Session
}

func newOpenedCache(max int) *openedCache {
	return &openedCache{max: max, sessions: make(map[[32]byte]*Session)}
}

func (c *openedCache) get(hash [32]byte) (*Session, bool) {
	c.mu.RLock()
	s, ok := c.sessions[hash]
	c.mu.RUnlock()
	return s, ok
}

func (c *openedCache) put(hash [32]byte, s *Session, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sessions) >= c.max {
		c.makeRoom(now)
	}
	c.sessions[hash] = s
}

// makeRoom frees an eighth of the capacity at once, so the sweep's cost is
// shared by the insertions that follow.
func (c *openedCache) makeRoom(now time.Time) {
	target := c.max - max(c.max/8, 1)
	for hash, s := range c.sessions {
		if !now.Before(s.Expiration) {
			delete(c.sessions, hash)
		}
	}
	for hash := range c.sessions {
		if len(c.sessions) <= target {
			return
		}
		delete(c.sessions, hash)
	}
}

package tokens

import (
	"crypto/sha256"
	"sync"
	"unsafe"
)

// defaultCacheEntries bounds the verified-token cache (a few KB per entry).
const defaultCacheEntries = 10_000

// verifiedCache remembers tokens whose signature checked out, keyed by the
// SHA-256 of the token. Tokens are attacker-supplied, so it is bounded: when
// full, expired entries go first, then arbitrary ones.
type verifiedCache struct {
	mu      sync.RWMutex
	max     int
	entries map[[sha256.Size]byte]*Claims
}

// tokenDigest is a token's cache key. It hashes the string's bytes in place:
// copying a token to a []byte costs more than hashing it, and SHA-256 only
// reads its input.
func tokenDigest(token string) [sha256.Size]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
}

func newVerifiedCache(max int) *verifiedCache {
	return &verifiedCache{max: max, entries: make(map[[sha256.Size]byte]*Claims)}
}

func (c *verifiedCache) get(digest [sha256.Size]byte) (*Claims, bool) {
	c.mu.RLock()
	claims, ok := c.entries[digest]
	c.mu.RUnlock()
	return claims, ok
}

func (c *verifiedCache) put(digest [sha256.Size]byte, claims *Claims, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.makeRoom(now)
	}
	c.entries[digest] = claims
}

// makeRoom frees an eighth of the capacity at once, so the cost of the sweep
// is shared by the many insertions that follow.
func (c *verifiedCache) makeRoom(now int64) {
	target := c.max - max(c.max/8, 1)
	for digest, claims := range c.entries {
		if now >= claims.ExpiresAt {
			delete(c.entries, digest)
		}
	}
	for digest := range c.entries {
		if len(c.entries) <= target {
			return
		}
		delete(c.entries, digest)
	}
}

func (c *verifiedCache) forget(digest [sha256.Size]byte) {
	c.mu.Lock()
	delete(c.entries, digest)
	c.mu.Unlock()
}

func (c *verifiedCache) forgetPool(poolID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for digest, claims := range c.entries {
		if claims.PoolID == poolID {
			delete(c.entries, digest)
		}
	}
}

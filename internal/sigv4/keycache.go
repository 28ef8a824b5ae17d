package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// maxCachedKeys bounds the cache; a key is only useful for one day, so
// when the cache fills it is simply emptied and refilled by live traffic.
const maxCachedKeys = 4096

// signingKeyID names a derived key by everything it is derived from; the
// scope date makes each entry a one-day bucket.
type signingKeyID struct {
	secret, date, region, service string
}

// signingKeys caches kSigning so a verification costs one HMAC rather than
// five. It is shared by all Verifiers: entries are keyed by the secret
// itself, so they cannot leak between credentials.
var signingKeys = &keyCache{keys: make(map[signingKeyID][sha256.Size]byte)}

type keyCache struct {
	mu   sync.RWMutex
	keys map[signingKeyID][sha256.Size]byte
}

func (c *keyCache) get(id signingKeyID) [sha256.Size]byte {
	c.mu.RLock()
	key, ok := c.keys[id]
	c.mu.RUnlock()
	if ok {
		return key
	}
	key = deriveSigningKey(id)
	c.mu.Lock()
	if len(c.keys) >= maxCachedKeys {
		clear(c.keys)
	}
	c.keys[id] = key
	c.mu.Unlock()
	return key
}

// deriveSigningKey is SigV4's kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret,
// date), region), service), "aws4_request").
func deriveSigningKey(id signingKeyID) [sha256.Size]byte {
	k := hmacSHA256([]byte("AWS4"+id.secret), id.date)
	k = hmacSHA256(k, id.region)
	k = hmacSHA256(k, id.service)
	k = hmacSHA256(k, terminator)
	return [sha256.Size]byte(k)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

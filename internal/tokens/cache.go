package tokens

import (
	"crypto/sha256"
	"unsafe"
)

// defaultCacheEntries bounds the verified-token cache (a few KB per entry):
// tokens are attacker-supplied.
const defaultCacheEntries = 10_000

// tokenDigest is a token's cache key. It hashes the string's bytes in place:
// copying a token to a []byte costs more than hashing it, and SHA-256 only
// reads its input.
func tokenDigest(token string) [sha256.Size]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
}

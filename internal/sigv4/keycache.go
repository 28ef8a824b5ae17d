package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/moat-dev/moat/internal/ttlcache"
)

// maxCachedKeys bounds the cache of derived keys.
const maxCachedKeys = 4096

// signingKeyLife is how long a derived key is kept: it is good for one
// scope date, and a request may carry that date for a day at most.
const signingKeyLife = 24 * time.Hour

// signingKeyID names a derived key by everything it is derived from; the
// scope date makes each entry a one-day bucket.
type signingKeyID struct {
	secret, date, region, service string
}

// signingKeys caches kSigning so a verification costs one HMAC rather than
// five. It is shared by all Verifiers: entries are keyed by the secret
// itself, so they cannot leak between credentials.
var signingKeys = ttlcache.New[signingKeyID, [sha256.Size]byte](maxCachedKeys, signingKeyLife)

func signingKey(id signingKeyID) [sha256.Size]byte {
	now := time.Now()
	if key, ok := signingKeys.Get(id, now); ok {
		return key
	}
	key := deriveSigningKey(id)
	signingKeys.Put(id, key, now.Add(signingKeyLife), now)
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

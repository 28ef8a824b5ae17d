package tokens

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/store"
)

// keySet is one pool's keys as loaded from the store at one moment. It is
// never modified; a reload builds a new one.
type keySet struct {
	loadedAt time.Time
	byKID    map[string]*key // every key of the pool, retired ones too
	signing  map[string]*key // use → the key that signs
	jwks     []byte
}

// jwk is one JWKS entry, fields in the order Cognito serves them.
type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	KID string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// newKeySet builds a pool's key set from its stored keys, reusing keys prev
// already parsed. The signing key of a use is its newest active key by
// (CreatedAt, KID), so every replica picks the same one even when racing
// creators left two active.
func newKeySet(stored []store.SigningKey, prev *keySet, loadedAt time.Time) (*keySet, error) {
	set := &keySet{
		loadedAt: loadedAt,
		byKID:    make(map[string]*key, len(stored)),
		signing:  make(map[string]*key, len(uses)),
	}
	entries := make([]jwk, 0, len(stored))
	for _, sk := range stored {
		k, err := reuseOrParse(sk, prev)
		if err != nil {
			return nil, err
		}
		set.byKID[k.kid] = k
		if sk.RetiredAt == 0 && newer(k, set.signing[k.use]) {
			set.signing[k.use] = k
		}
		entries = append(entries, jwk{
			Alg: string(jose.RS256),
			E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.public.E)).Bytes()),
			KID: k.kid,
			Kty: "RSA",
			N:   base64.RawURLEncoding.EncodeToString(k.public.N.Bytes()),
			Use: "sig",
		})
	}
	jwks, err := json.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{entries})
	if err != nil {
		return nil, err
	}
	set.jwks = jwks
	return set, nil
}

func reuseOrParse(sk store.SigningKey, prev *keySet) (*key, error) {
	if prev != nil {
		if k, ok := prev.byKID[sk.KID]; ok {
			return k, nil
		}
	}
	return parseKey(sk)
}

// newer reports whether a sorts after b by (createdAt, kid); anything beats nil.
func newer(a, b *key) bool {
	if b == nil {
		return true
	}
	if a.createdAt != b.createdAt {
		return a.createdAt > b.createdAt
	}
	return a.kid > b.kid
}

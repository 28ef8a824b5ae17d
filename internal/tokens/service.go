// Package tokens signs and verifies the JWTs of every user pool: per-pool RSA
// keys (one for ID tokens, one for access tokens, as Cognito has), the JWKS and
// OIDC discovery documents, and a cache of verified tokens so a busy gateway
// checks each token's signature once.
package tokens

import (
	"context"
	"crypto/sha256"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// Token uses, as in the token_use claim; each use has its own signing key.
const (
	UseID     = "id"
	UseAccess = "access"
)

var uses = [...]string{UseID, UseAccess}

// MaxTokenLifetime is the longest an ID or access token may live (Cognito's
// limit). A retired key stays in the JWKS at least this long so every token
// it signed keeps verifying until it expires.
const MaxTokenLifetime = 24 * time.Hour

// Service signs and verifies every pool's tokens. Safe for concurrent use.
type Service struct {
	st        Keys
	publicURL string
	now       func() time.Time // replaced in tests

	mu    sync.Mutex
	pools map[string]*poolKeys

	cache *ttlcache.Cache[[sha256.Size]byte, *Claims] // verified tokens by digest, until they expire
	// oauthBase, when set, is where a pool's OAuth endpoints are served.
	oauthBase func(ctx context.Context, poolID string) string
	// signatureChecks counts RSA verifications so tests can see the cache work.
	signatureChecks atomic.Int64
}

// Keys is what the token service keeps in the store: pools' signing keys.
type Keys interface {
	store.UserPools
	store.SigningKeys
}

// NewService returns a Service for the pools in st. publicURL is where moat is
// reached, like "http://127.0.0.1:9229" (no trailing slash); issuers live under it.
func NewService(st Keys, publicURL string) *Service {
	return &Service{
		st:        st,
		publicURL: strings.TrimRight(publicURL, "/"),
		now:       time.Now,
		pools:     make(map[string]*poolKeys),
		cache:     ttlcache.New[[sha256.Size]byte, *Claims](defaultCacheEntries, 0),
	}
}

// IssuerURL is the iss of the pool's tokens.
func (s *Service) IssuerURL(poolID string) string {
	return s.publicURL + "/" + poolID
}

// poolIDFromIssuer reverses IssuerURL, accepting only well-formed pool IDs.
func (s *Service) poolIDFromIssuer(iss string) (string, bool) {
	poolID, ok := strings.CutPrefix(iss, s.publicURL+"/")
	return poolID, ok && validPoolID(poolID)
}

// validPoolID admits what Cognito pool IDs are made of (letters, digits, '_'
// and '-', at most 55), so garbage from a token or URL never reaches the store.
func validPoolID(id string) bool {
	if id == "" || len(id) > 55 {
		return false
	}
	for _, r := range id {
		ok := r == '_' || r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

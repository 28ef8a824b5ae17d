package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/store"
)

// Verify's errors, matched with errors.Is. Any other error is moat's own
// fault (the store failed), not the token's.
var (
	ErrExpired = errors.New("tokens: token has expired")
	ErrInvalid = errors.New("tokens: invalid token")
)

// maxTokenLen is far above any real token (Cognito's are 1–2 KB) and stops
// huge inputs before any work is spent on them.
const maxTokenLen = 16 << 10

var acceptedAlgorithms = []jose.SignatureAlgorithm{jose.RS256}

// Verify checks a token of one of moat's pools: RS256 signed by a key of the
// pool its iss names, token_use "id" or "access" matching that key's use, and
// exp (and nbf, if present) against the current time, with no grace. Verified
// tokens are cached until they expire, so verifying one again costs a hash and
// a map lookup. The returned Claims are shared: do not modify them.
func (s *Service) Verify(ctx context.Context, token string) (*Claims, error) {
	if len(token) > maxTokenLen {
		return nil, ErrInvalid
	}
	digest := tokenDigest(token)
	now := s.now()
	if c, ok := s.cache.Get(digest, now); ok {
		return c, nil
	}
	// A Forget during the check wins: the token may be one it revoked.
	ticket := s.cache.Ticket()
	c, err := s.verifyUncached(ctx, token, now.Unix())
	if err != nil {
		return nil, err
	}
	s.cache.PutUnlessRemoved(ticket, digest, c, time.Unix(c.ExpiresAt, 0), now)
	return c, nil
}

// Forget drops a token from the cache of verified tokens (its session was revoked).
func (s *Service) Forget(token string) {
	if len(token) <= maxTokenLen {
		s.cache.Remove(tokenDigest(token))
	}
}

func (s *Service) verifyUncached(ctx context.Context, token string, now int64) (*Claims, error) {
	jws, err := jose.ParseSignedCompact(token, acceptedAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, ErrInvalid
	}
	// The issuer is read before the signature is checked only to choose the
	// pool whose keys must have made it; the verified payload is checked again.
	poolID, ok := s.poolIDFromIssuer(issuerOf(jws.UnsafePayloadWithoutVerification()))
	if !ok {
		return nil, ErrInvalid
	}
	k, err := s.verificationKey(ctx, poolID, jws.Signatures[0].Header.KeyID)
	if err != nil {
		return nil, err
	}
	s.signatureChecks.Add(1)
	payload, err := jws.Verify(k.public)
	if err != nil {
		return nil, ErrInvalid
	}
	c, notBefore, err := parseClaims(poolID, payload)
	if err != nil {
		return nil, err
	}
	if c.TokenUse != k.use || c.Raw["iss"] != s.IssuerURL(poolID) || now < notBefore {
		return nil, ErrInvalid
	}
	if now >= c.ExpiresAt {
		return nil, ErrExpired
	}
	return c, nil
}

// issuerOf returns the iss claim of an unverified payload, or "".
func issuerOf(payload []byte) string {
	var claims struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.Iss
}

// verificationKey finds the pool's key with the kid, reloading the pool's keys
// (at most every unknownKIDReloadEvery) when it is not known yet: another
// replica may have just rotated.
func (s *Service) verificationKey(ctx context.Context, poolID, kid string) (*key, error) {
	if kid == "" {
		return nil, ErrInvalid
	}
	for _, maxAge := range []time.Duration{keysMaxAge, unknownKIDReloadEvery} {
		set, err := s.keys(ctx, poolID, maxAge)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrInvalid
		}
		if err != nil {
			return nil, err
		}
		if k, ok := set.byKID[kid]; ok {
			return k, nil
		}
	}
	return nil, ErrInvalid
}

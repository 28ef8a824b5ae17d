package authorizer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/oidcjwt"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// verifiedTokens bounds each JWT authorizer's cache of verified tokens; an
// entry is a token's claims, a few KB.
const verifiedTokens = 10_000

// jwtAuthorizer is API Gateway's HTTP API JWT authorizer, with several
// issuers, ES256/ES384/EdDSA besides RSA, and refetch on an unknown kid.
type jwtAuthorizer struct {
	source   identitySource
	issuers  map[string]*trustedIssuer // by iss
	verified *ttlcache.Cache[[sha256.Size]byte, *gateway.Identity]
	now      func() time.Time
}

type trustedIssuer struct {
	audience []string // empty: any (the issuer's audience: any)
	keys     *oidcjwt.Keys
}

func newJWT(cfg gateway.JWTSettings, source identitySource, deps Deps) (*jwtAuthorizer, error) {
	if len(cfg.Issuers) == 0 {
		return nil, errors.New("a JWT authorizer needs at least one issuer")
	}
	a := &jwtAuthorizer{
		source:   source,
		issuers:  make(map[string]*trustedIssuer, len(cfg.Issuers)),
		verified: ttlcache.New[[sha256.Size]byte, *gateway.Identity](verifiedTokens, 0),
		now:      time.Now,
	}
	for i, ic := range cfg.Issuers {
		switch {
		case ic.Issuer == "":
			return nil, fmt.Errorf("issuers[%d]: issuer is empty", i)
		case a.issuers[ic.Issuer] != nil:
			return nil, fmt.Errorf("issuers[%d]: issuer %q is listed twice", i, ic.Issuer)
		case ic.JWKSURI != "" && !oidcjwt.HTTPURL(ic.JWKSURI):
			return nil, fmt.Errorf("issuers[%d]: jwksUri %q is not an http(s) URL", i, ic.JWKSURI)
		case ic.JWKSURI == "" && !oidcjwt.HTTPURL(ic.Issuer):
			return nil, fmt.Errorf("issuers[%d]: issuer %q is not an http(s) URL to discover keys from; set jwksUri", i, ic.Issuer)
		case len(ic.Audience) == 0 && !ic.AnyAudience:
			// Without one, any token the issuer ever minted — for any
			// client or API — would be admitted.
			return nil, fmt.Errorf("issuers[%d]: issuer %q has no audience: list the audiences (client ids) its tokens must carry, or set audience: any to admit every one", i, ic.Issuer)
		case len(ic.Audience) > 0 && ic.AnyAudience:
			return nil, fmt.Errorf("issuers[%d]: issuer %q lists audiences and admits any; choose one", i, ic.Issuer)
		}
		a.issuers[ic.Issuer] = &trustedIssuer{
			audience: ic.Audience,
			keys:     oidcjwt.NewKeys(ic.Issuer, ic.JWKSURI, deps.HTTPClient, deps.Logger, func() time.Time { return a.now() }),
		}
	}
	return a, nil
}

// Authorize verifies the request's token — once per token, then from the
// cache until it expires — and checks the route's scopes on every request.
// The returned identity's Claims and Scopes are shared: read-only.
func (a *jwtAuthorizer) Authorize(ctx context.Context, req *gateway.Request) (*gateway.Identity, error) {
	token := a.source.token(req.HTTP)
	if token == "" {
		return nil, jwtUnauthorized("")
	}
	if len(token) > maxTokenLen {
		return nil, jwtUnauthorized(descMalformed)
	}
	digest := tokenDigest(token)
	now := a.now()
	verified, ok := a.verified.Get(digest, now)
	if !ok {
		identity, until, err := a.verify(ctx, token, now)
		if err != nil {
			return nil, err
		}
		a.verified.Put(digest, identity, until, now)
		verified = identity
	}
	if req.Route != nil && len(req.Route.Scopes) > 0 && !anyScope(verified.Scopes, req.Route.Scopes) {
		return nil, jwtInsufficientScope()
	}
	identity := *verified
	return &identity, nil
}

// verify checks a token's signature and claims, returning the identity it
// proves and until when that may be remembered.
func (a *jwtAuthorizer) verify(ctx context.Context, token string, now time.Time) (*gateway.Identity, time.Time, error) {
	jws, err := jose.ParseSignedCompact(token, oidcjwt.AllowedAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, time.Time{}, jwtUnauthorized(descMalformed)
	}
	// The claims are read before the signature is checked only to pick the
	// issuer whose keys must have made it; nothing else is trusted until then.
	var claims map[string]any
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims) != nil || claims == nil {
		return nil, time.Time{}, jwtUnauthorized(descMalformed)
	}
	iss, _ := claims["iss"].(string)
	issuer, ok := a.issuers[iss]
	if !ok {
		return nil, time.Time{}, jwtUnauthorized(descUnknownIssuer)
	}
	_, err = issuer.keys.Verify(ctx, jws)
	switch {
	case errors.Is(err, oidcjwt.ErrNoKeys):
		return nil, time.Time{}, authorizerFailure(fmt.Errorf("issuer %s: %w", iss, err))
	case err != nil:
		return nil, time.Time{}, jwtUnauthorized(descBadSignature)
	}
	return checkClaims(claims, issuer.audience, now)
}

// tokenDigest is a token's cache key. It hashes the string's bytes in place:
// copying a token to a []byte costs more than hashing it, and SHA-256 only
// reads its input.
func tokenDigest(token string) [sha256.Size]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
}

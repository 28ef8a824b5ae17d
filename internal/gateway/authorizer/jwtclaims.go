package authorizer

import (
	"math"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/oidcjwt"
)

// checkClaims validates a verified token's claims as API Gateway does: exp
// required and after now, nbf and iat (when present) not after now — with
// no leeway, as AWS allows none — and the audience. It returns the identity
// and until when it may be cached: exp, but no longer than oidcjwt.TTL, so a
// key the issuer withdraws stops admitting tokens within two TTLs.
func checkClaims(claims map[string]any, audience []string, now time.Time) (*gateway.Identity, time.Time, error) {
	nowSeconds := float64(now.UnixNano()) / 1e9
	exp, hasExp, okExp := numericDate(claims, "exp")
	nbf, _, okNBF := numericDate(claims, "nbf")
	iat, _, okIAT := numericDate(claims, "iat")
	sub, okSub := claims["sub"].(string)
	_, hasSub := claims["sub"]
	scopes, okScopes := tokenScopes(claims)
	switch {
	case !hasExp || !okExp || !okNBF || !okIAT || (hasSub && !okSub) || !okScopes:
		return nil, time.Time{}, jwtUnauthorized(descBadClaims)
	case nowSeconds >= exp:
		return nil, time.Time{}, jwtUnauthorized(descExpired)
	case nbf > nowSeconds || iat > nowSeconds:
		return nil, time.Time{}, jwtUnauthorized(descNotYetValid)
	case !validAudience(claims, audience):
		return nil, time.Time{}, jwtUnauthorized(descBadAudience)
	}
	// Whole seconds, rounded down: never past exp, and exp may be any number.
	until := time.Unix(int64(math.Floor(min(exp, nowSeconds+oidcjwt.TTL.Seconds()))), 0)
	return &gateway.Identity{Principal: sub, Claims: claims, Scopes: scopes}, until, nil
}

// numericDate reads a NumericDate claim (RFC 7519 §2): a non-negative
// number of seconds. ok is false when it has another type.
func numericDate(claims map[string]any, name string) (seconds float64, present, ok bool) {
	v, present := claims[name]
	if !present {
		return 0, false, true
	}
	f, isNumber := v.(float64)
	if !isNumber || f < 0 || math.IsInf(f, 0) {
		return 0, true, false
	}
	return f, true, true
}

// validAudience applies API Gateway's rule: aud (a string or an array) must
// name an allowed audience; a token without aud (a Cognito access token)
// must have an allowed client_id instead. No audience list admits any.
func validAudience(claims map[string]any, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	aud, present := claims["aud"]
	if !present {
		clientID, ok := claims["client_id"].(string)
		return ok && slices.Contains(allowed, clientID)
	}
	switch aud := aud.(type) {
	case string:
		return slices.Contains(allowed, aud)
	case []any:
		for _, a := range aud {
			if s, ok := a.(string); ok && slices.Contains(allowed, s) {
				return true
			}
		}
	}
	return false
}

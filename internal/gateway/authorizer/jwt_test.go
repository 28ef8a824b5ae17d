package authorizer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/oidcjwt"
)

func TestJWTAcceptsEachAlgorithm(t *testing.T) {
	ti := newTestIssuer(t)
	ti.publish(ti.key(t, jose.RS256), ti.key(t, jose.ES256), ti.key(t, jose.EdDSA), newKey(t, jose.ES384), newKey(t, jose.RS512))
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api"}})
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.RS512, jose.ES256, jose.ES384, jose.EdDSA} {
		t.Run(string(alg), func(t *testing.T) {
			id := authorize(t, a, request(sign(t, ti.key(t, alg), ti.claims(nil)), "write"))
			if id.Principal != "user-1" || id.Claims["iss"] != ti.url() || !slices.Equal(id.Scopes, []string{"read", "write"}) {
				t.Fatalf("identity = %+v", id)
			}
		})
	}
	// Discovery once, keys once, for every token.
	if ti.discoveryFetches.Load() != 1 || ti.fetches() != 1 {
		t.Fatalf("fetches: discovery %d, keys %d; want 1 and 1", ti.discoveryFetches.Load(), ti.fetches())
	}
}

func TestJWTMissingTokenFetchesNothing(t *testing.T) {
	ti := newTestIssuer(t)
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	for _, header := range []string{"", "Bearer ", "   "} {
		req := request("")
		req.HTTP.Header.Set("Authorization", header)
		_, err := a.Authorize(context.Background(), req)
		wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", "Bearer")
	}
	if n := ti.discoveryFetches.Load() + ti.fetches(); n != 0 {
		t.Fatalf("%d fetches for requests without a token", n)
	}
}

func TestJWTRefusals(t *testing.T) {
	ti := newTestIssuer(t)
	other := newTestIssuer(t) // a real issuer moat does not trust
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api"}})
	rsaKey, ecKey := ti.key(t, jose.RS256), ti.key(t, jose.ES256)
	now := time.Now().Unix()
	valid := sign(t, rsaKey, ti.claims(nil))
	parts := strings.Split(valid, ".")

	// Another base64url character, so the token still parses and only the
	// signature is wrong (an XOR could make '-' or '_' unparseable).
	tamperedSig := []byte(parts[2])
	if tamperedSig[10] == 'A' {
		tamperedSig[10] = 'B'
	} else {
		tamperedSig[10] = 'A'
	}
	forgedPayload := base64.RawURLEncoding.EncodeToString(mustJSON(t, ti.claims(map[string]any{"sub": "admin"})))

	cases := []struct {
		name, token, description string
	}{
		{"garbage", "not-a-jwt", descMalformed},
		{"two segments", parts[0] + "." + parts[1], descMalformed},
		{"payload not JSON", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte("[1,2")) + "." + parts[2], descMalformed},
		{"bad signature", parts[0] + "." + parts[1] + "." + string(tamperedSig), descBadSignature},
		{"payload swapped", parts[0] + "." + forgedPayload + "." + parts[2], descBadSignature},
		{"expired", sign(t, rsaKey, ti.claims(map[string]any{"exp": now - 1})), descExpired},
		{"no exp", sign(t, rsaKey, ti.claims(map[string]any{"exp": nil})), descBadClaims},
		{"exp a string", sign(t, rsaKey, ti.claims(map[string]any{"exp": "tomorrow"})), descBadClaims},
		{"nbf in the future", sign(t, rsaKey, ti.claims(map[string]any{"nbf": now + 60})), descNotYetValid},
		{"iat in the future", sign(t, rsaKey, ti.claims(map[string]any{"iat": now + 60})), descNotYetValid},
		{"wrong issuer", sign(t, other.key(t, jose.RS256), other.claims(nil)), descUnknownIssuer},
		{"trusted iss, untrusted key", sign(t, other.key(t, jose.ES256), ti.claims(nil)), descBadSignature},
		{"wrong audience", sign(t, rsaKey, ti.claims(map[string]any{"aud": "other-api"})), descBadAudience},
		{"wrong audience list", sign(t, rsaKey, ti.claims(map[string]any{"aud": []any{"x", "y"}})), descBadAudience},
		{"aud wins over client_id", sign(t, rsaKey, ti.claims(map[string]any{"aud": "x", "client_id": "api"})), descBadAudience},
		{"sub a number", sign(t, rsaKey, ti.claims(map[string]any{"sub": 7})), descBadClaims},
		{"scope a number", sign(t, rsaKey, ti.claims(map[string]any{"scope": 7})), descBadClaims},
		{"no kid", signAs(t, jose.RS256, "", rsaKey.private, ti.claims(nil)), descBadSignature},
		{"unknown kid", signAs(t, jose.RS256, "kid-nobody", rsaKey.private, ti.claims(nil)), descBadSignature},
		{"alg of another key type", signAs(t, jose.RS256, ecKey.kid, rsaKey.private, ti.claims(nil)), descBadSignature},
		{"alg the JWK does not state", signAs(t, jose.RS384, rsaKey.kid, rsaKey.private, ti.claims(nil)), descBadSignature},
		{"HS256 keyed with the RSA public key", hs256WithPublicKey(t, rsaKey, ti.claims(nil)), descMalformed},
		{"alg none", unsigned(t, rsaKey.kid, ti.claims(nil)), descMalformed},
		{"oversized", strings.Repeat("a", maxTokenLen+1), descMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := a.Authorize(context.Background(), request(c.token))
			wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(c.description))
		})
	}
	// The valid token still passes: the refusals were the tokens' fault.
	authorize(t, a, request(valid))
	if other.fetches() != 0 {
		t.Fatal("an untrusted issuer's keys were fetched")
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hs256WithPublicKey is the classic alg-confusion forgery: an HMAC keyed
// with the issuer's public RSA key, which anyone can read from the JWKS.
func hs256WithPublicKey(t testing.TB, k testKey, claims map[string]any) string {
	der, err := x509.MarshalPKIXPublicKey(k.private.Public())
	if err != nil {
		t.Fatal(err)
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	input := b64JSON(t, map[string]any{"alg": "HS256", "kid": k.kid, "typ": "JWT"}) + "." + b64JSON(t, claims)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func unsigned(t testing.TB, kid string, claims map[string]any) string {
	return b64JSON(t, map[string]any{"alg": "none", "kid": kid}) + "." + b64JSON(t, claims) + "."
}

func b64JSON(t testing.TB, v any) string {
	return base64.RawURLEncoding.EncodeToString(mustJSON(t, v))
}

func TestJWTAudience(t *testing.T) {
	ti := newTestIssuer(t)
	k := ti.key(t, jose.ES256)
	restricted, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api", "client-a"}})
	open, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})

	cognitoAccess := sign(t, k, ti.claims(map[string]any{"aud": nil, "client_id": "client-a"}))
	authorize(t, restricted, request(cognitoAccess))
	authorize(t, restricted, request(sign(t, k, ti.claims(map[string]any{"aud": []any{"other", "api"}}))))

	strange := sign(t, k, ti.claims(map[string]any{"aud": nil, "client_id": "client-z"}))
	_, err := restricted.Authorize(context.Background(), request(strange))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descBadAudience))
	noAudience := sign(t, k, ti.claims(map[string]any{"aud": nil}))
	_, err = restricted.Authorize(context.Background(), request(noAudience))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descBadAudience))

	// Without an audience list, any audience (or none) is accepted.
	authorize(t, open, request(strange))
	authorize(t, open, request(noAudience))
}

func TestJWTScopes(t *testing.T) {
	ti := newTestIssuer(t)
	k := ti.key(t, jose.EdDSA)
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	scopeString := sign(t, k, ti.claims(map[string]any{"scope": "orders:read  orders:write"}))
	scpArray := sign(t, k, ti.claims(map[string]any{"scope": nil, "scp": []any{"orders:read", "admin"}}))
	scpString := sign(t, k, ti.claims(map[string]any{"scope": nil, "scp": "admin"}))
	none := sign(t, k, ti.claims(map[string]any{"scope": nil}))

	for _, c := range []struct {
		name, token string
		route       []string
		ok          bool
	}{
		{"scope string, one of two", scopeString, []string{"admin", "orders:write"}, true},
		{"scp array", scpArray, []string{"admin"}, true},
		{"scp string", scpString, []string{"admin"}, true},
		{"route without scopes", none, nil, true},
		{"scope string lacks", scopeString, []string{"admin"}, false},
		{"scp array lacks", scpArray, []string{"orders:write"}, false},
		{"no scopes at all", none, []string{"orders:read"}, false},
		// The cache holds tokens, not decisions: the same token is judged per route.
		{"cached token, other route", scopeString, []string{"billing"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, err := a.Authorize(context.Background(), request(c.token, c.route...))
			if c.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if id.Principal != "user-1" {
					t.Fatalf("principal %q", id.Principal)
				}
				return
			}
			wantRefusal(t, err, gateway.AccessDenied, "Forbidden", `Bearer error="insufficient_scope"`)
		})
	}
}

func TestJWTTwoIssuers(t *testing.T) {
	discovered, explicit := newTestIssuer(t), newTestIssuer(t)
	a, _ := newJWTAuthorizer(t,
		gateway.IssuerConfig{Issuer: discovered.url(), Audience: []string{"api"}},
		gateway.IssuerConfig{Issuer: explicit.url(), JWKSURI: explicit.url() + "/keys", Audience: []string{"api"}},
	)
	authorize(t, a, request(sign(t, discovered.key(t, jose.RS256), discovered.claims(nil))))
	authorize(t, a, request(sign(t, explicit.key(t, jose.ES256), explicit.claims(nil))))
	if explicit.discoveryFetches.Load() != 0 {
		t.Fatal("an issuer with an explicit jwksUri was asked for discovery")
	}
	// One issuer's key cannot vouch for the other's tokens.
	crossed := signAs(t, jose.ES256, discovered.key(t, jose.ES256).kid, explicit.key(t, jose.ES256).private, discovered.claims(nil))
	_, err := a.Authorize(context.Background(), request(crossed))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descBadSignature))
}

func TestJWTPicksUpKeyRotation(t *testing.T) {
	ti := newTestIssuer(t)
	a, clock := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	authorize(t, a, request(sign(t, ti.key(t, jose.ES256), ti.claims(nil))))
	if ti.fetches() != 1 {
		t.Fatalf("%d fetches, want 1", ti.fetches())
	}

	rotated := newKey(t, jose.ES256)
	ti.publish(rotated, newKey(t, jose.EdDSA))
	clock.advance(oidcjwt.RefetchInterval)
	id := authorize(t, a, request(sign(t, rotated, ti.claims(map[string]any{"sub": "after-rotation"}))))
	if id.Principal != "after-rotation" || ti.fetches() != 2 {
		t.Fatalf("principal %q after %d fetches; want after-rotation after 2", id.Principal, ti.fetches())
	}

	// A burst of tokens with unknown kids, all at once: one fetch per interval.
	flood := func() {
		var wg sync.WaitGroup
		for i := range 32 {
			wg.Go(func() {
				_, err := a.Authorize(context.Background(), request(signAs(t, jose.ES256, "made-up-"+string(rune('a'+i)), rotated.private, ti.claims(nil))))
				wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descBadSignature))
			})
		}
		wg.Wait()
	}
	flood()
	if ti.fetches() != 2 {
		t.Fatalf("unknown kids within the interval caused %d fetches, want none", ti.fetches()-2)
	}
	clock.advance(oidcjwt.RefetchInterval)
	flood()
	if ti.fetches() != 3 {
		t.Fatalf("an unknown-kid burst after the interval caused %d fetches, want 1", ti.fetches()-2)
	}
}

func TestJWTKeepsKeysWhileIssuerIsDown(t *testing.T) {
	ti := newTestIssuer(t)
	a, clock := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	k := ti.key(t, jose.RS256)
	longLived := map[string]any{"exp": time.Now().Add(3 * time.Hour).Unix()}
	authorize(t, a, request(sign(t, k, ti.claims(longLived))))

	ti.down.Store(true)
	clock.advance(oidcjwt.TTL + time.Minute)
	longLived["sub"] = "new-token" // not in the verified cache
	id := authorize(t, a, request(sign(t, k, ti.claims(longLived))))
	if id.Principal != "new-token" {
		t.Fatalf("principal %q", id.Principal)
	}
	if ti.discoveryFetches.Load() != 2 {
		t.Fatalf("stale keys were not refreshed: %d discovery fetches, want 2", ti.discoveryFetches.Load())
	}
}

func TestJWTIssuerNeverReachable(t *testing.T) {
	ti := newTestIssuer(t)
	ti.down.Store(true)
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	_, err := a.Authorize(context.Background(), request(sign(t, ti.key(t, jose.ES256), ti.claims(nil))))
	wantRefusal(t, err, gateway.AuthorizerFailure, "Internal server error", "")
}

func TestJWTDiscoveryMustNameTheIssuer(t *testing.T) {
	ti := newTestIssuer(t)
	// Trusting the issuer under another spelling: its discovery document disagrees.
	a, _ := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url() + "/", AnyAudience: true})
	_, err := a.Authorize(context.Background(), request(sign(t, ti.key(t, jose.ES256), ti.claims(map[string]any{"iss": ti.url() + "/"}))))
	wantRefusal(t, err, gateway.AuthorizerFailure, "Internal server error", "")
	if ti.fetches() != 0 {
		t.Fatal("keys were fetched from a jwks_uri of a mismatched discovery document")
	}
}

func TestJWTVerifiedCache(t *testing.T) {
	ti := newTestIssuer(t)
	a, clock := newJWTAuthorizer(t, gateway.IssuerConfig{Issuer: ti.url(), AnyAudience: true})
	k := ti.key(t, jose.ES256)
	token := sign(t, k, ti.claims(map[string]any{"exp": time.Now().Unix() + 30}))
	first := authorize(t, a, request(token))

	// Swap in keys that never made the token: only the cache can still vouch for it.
	issuer := a.issuers[ti.url()]
	keys := issuer.keys
	issuer.keys = oidcjwt.NewKeys(ti.url(), newTestIssuer(t).url()+"/keys", http.DefaultClient, quietDeps.Logger, clock.now)
	again := authorize(t, a, request(token))
	if again == first || again.Principal != first.Principal {
		t.Fatal("identities must be equal but not shared")
	}
	_, err := a.Authorize(context.Background(), request(sign(t, k, ti.claims(nil))))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descBadSignature))

	// Never beyond exp, even with the right keys back.
	issuer.keys = keys
	clock.advance(31 * time.Second)
	_, err = a.Authorize(context.Background(), request(token))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", invalidToken(descExpired))
}

package tokens

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s := clock.serviceOn(openStore(t, "us-east-1_pool"))
	if err := s.EnsureKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	exp := clock.in(time.Hour)

	access, err := s.Verify(ctx, mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(exp)))
	if err != nil {
		t.Fatal(err)
	}
	wantAccess := Claims{
		PoolID: "us-east-1_pool", TokenUse: "access", Subject: "5f6c1e2a-1111-2222-3333-444455556666",
		Username: "alice", ClientID: "client-a", OriginJTI: "origin-1", JTI: "access-jti",
		Groups: []string{"admins", "dev"}, Scopes: []string{"aws.cognito.signin.user.admin", "openid"},
		IssuedAt: exp - 3600, ExpiresAt: exp, AuthTime: exp - 3600,
	}
	checkClaims(t, access, wantAccess)

	id, err := s.Verify(ctx, mustSign(t, s, "us-east-1_pool", UseID, idClaims(exp)))
	if err != nil {
		t.Fatal(err)
	}
	wantID := Claims{
		PoolID: "us-east-1_pool", TokenUse: "id", Subject: "5f6c1e2a-1111-2222-3333-444455556666",
		Username: "alice", ClientID: "client-a", OriginJTI: "origin-1", JTI: "id-jti",
		IssuedAt: exp - 3600, ExpiresAt: exp, AuthTime: exp - 3600,
	}
	checkClaims(t, id, wantID)
	if id.Raw["custom:team"] != "blue" || id.Raw["email_verified"] != true || id.Raw["iss"] != testURL+"/us-east-1_pool" {
		t.Errorf("raw ID claims = %v", id.Raw)
	}
}

func checkClaims(t *testing.T, got *Claims, want Claims) {
	t.Helper()
	copied := *got
	copied.Raw = nil
	if !reflect.DeepEqual(copied, want) {
		t.Errorf("claims =\n%+v\nwant\n%+v", copied, want)
	}
}

// Cognito's header carries only kid and alg, and the two uses have different keys.
func TestSignHeaderIsCognitos(t *testing.T) {
	clock := newTestClock()
	s := clock.serviceOn(openStore(t, "us-east-1_pool"))
	kids := map[string]string{}
	for _, use := range uses {
		tok := mustSign(t, s, "us-east-1_pool", use, accessClaims(clock.in(time.Hour)))
		header := decodeSegment(t, tok, 0)
		if len(header) != 2 || header["alg"] != "RS256" || len(header["kid"].(string)) != 44 {
			t.Errorf("%s token header = %v, want only alg RS256 and a 44-character kid", use, header)
		}
		kids[use] = header["kid"].(string)
	}
	if kids[UseID] == kids[UseAccess] {
		t.Errorf("ID and access tokens share kid %s", kids[UseID])
	}
}

func decodeSegment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExpiredTokens(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s := clock.serviceOn(openStore(t, "us-east-1_pool"))

	alreadyExpired := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(clock.unix()))
	if _, err := s.Verify(ctx, alreadyExpired); !errors.Is(err, ErrExpired) {
		t.Errorf("token expiring now: err = %v, want ErrExpired (no grace)", err)
	}

	tok := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Minute)))
	if _, err := s.Verify(ctx, tok); err != nil { // now cached
		t.Fatal(err)
	}
	clock.advance(time.Minute - time.Second)
	if _, err := s.Verify(ctx, tok); err != nil {
		t.Fatalf("a second before exp: %v", err)
	}
	clock.advance(time.Second)
	if _, err := s.Verify(ctx, tok); !errors.Is(err, ErrExpired) {
		t.Errorf("cached token at exp: err = %v, want ErrExpired", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	st := openStore(t, "us-east-1_pool", "us-east-1_other")
	s := clock.serviceOn(st)
	exp := clock.in(time.Hour)
	good := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(exp))
	parts := strings.Split(good, ".")
	kid := decodeSegment(t, good, 0)["kid"].(string)

	// signWith signs claims with one of a pool's keys, bypassing Sign's iss and token_use.
	signWith := func(poolID, use string, claims map[string]any) string {
		k, err := s.signingKey(ctx, poolID, use)
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(claims)
		jws, err := k.signer.Sign(payload)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := jws.CompactSerialize()
		return tok
	}
	withIssuer := func(claims map[string]any, poolID, use string) map[string]any {
		claims["iss"], claims["token_use"] = s.IssuerURL(poolID), use
		return claims
	}
	tampered := accessClaims(exp)
	tampered["username"] = "mallory"
	tamperedPayload, _ := json.Marshal(withIssuer(tampered, "us-east-1_pool", UseAccess))
	flipped := []byte(parts[2])
	flipped[10] ^= 1

	pubDER, _ := x509.MarshalPKIXPublicKey(s.mustKey(t, "us-east-1_pool", kid).public)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hsInput := b64json(map[string]any{"alg": "HS256", "kid": kid}) + "." + parts[1]
	mac := hmac.New(sha256.New, pubPEM)
	mac.Write([]byte(hsInput))

	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	strangerKID, _ := keyID(&stranger.PublicKey)
	strangerSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: stranger, KeyID: strangerKID}}, nil)
	strangerJWS, _ := strangerSigner.Sign([]byte(`{"iss":"` + s.IssuerURL("us-east-1_pool") + `","token_use":"access","exp":` + jsonNumber(exp) + `}`))
	strangerToken, _ := strangerJWS.CompactSerialize()

	notYet := withIssuer(accessClaims(exp), "us-east-1_pool", UseAccess)
	notYet["nbf"] = clock.in(time.Minute)
	badExp := withIssuer(accessClaims(exp), "us-east-1_pool", UseAccess)
	badExp["exp"] = "tomorrow"
	noUse := withIssuer(accessClaims(exp), "us-east-1_pool", UseAccess)
	delete(noUse, "token_use")

	cases := map[string]string{
		"empty":                    "",
		"garbage":                  "not a token",
		"two segments":             parts[0] + "." + parts[1],
		"JSON serialization":       `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`,
		"tampered payload":         parts[0] + "." + base64.RawURLEncoding.EncodeToString(tamperedPayload) + "." + parts[2],
		"tampered signature":       parts[0] + "." + parts[1] + "." + string(flipped),
		"alg none":                 b64json(map[string]any{"alg": "none", "kid": kid}) + "." + parts[1] + ".",
		"HS256 with public key":    hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)),
		"unknown kid":              strangerToken,
		"other pool's key":         signWith("us-east-1_other", UseAccess, withIssuer(accessClaims(exp), "us-east-1_pool", UseAccess)),
		"ID key, access token_use": signWith("us-east-1_pool", UseID, withIssuer(accessClaims(exp), "us-east-1_pool", UseAccess)),
		"no token_use":             signWith("us-east-1_pool", UseAccess, noUse),
		"nbf in the future":        signWith("us-east-1_pool", UseAccess, notYet),
		"exp not a number":         signWith("us-east-1_pool", UseAccess, badExp),
		"issuer of a missing pool": signWith("us-east-1_pool", UseAccess, withIssuer(accessClaims(exp), "us-east-1_gone", UseAccess)),
		"issuer elsewhere":         signWith("us-east-1_pool", UseAccess, withIssuer(accessClaims(exp), "x/../us-east-1_pool", UseAccess)),
		"too long":                 good + strings.Repeat("A", maxTokenLen),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := s.Verify(ctx, tok)
			if !errors.Is(err, ErrInvalid) || c != nil {
				t.Errorf("Verify = %v, %v; want ErrInvalid", c, err)
			}
		})
	}
	if _, err := s.Verify(ctx, good); err != nil {
		t.Errorf("the untouched token: %v", err)
	}
}

func (s *Service) mustKey(t *testing.T, poolID, kid string) *key {
	t.Helper()
	set, err := s.keys(context.Background(), poolID, keysMaxAge)
	if err != nil || set.byKID[kid] == nil {
		t.Fatalf("key %s of %s: %v", kid, poolID, err)
	}
	return set.byKID[kid]
}

func b64json(v any) string {
	raw, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func jsonNumber(n int64) string {
	raw, _ := json.Marshal(n)
	return string(raw)
}

func TestVerifiedTokensAreCached(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	s := clock.serviceOn(openStore(t, "us-east-1_pool"))
	tok := mustSign(t, s, "us-east-1_pool", UseID, idClaims(clock.in(time.Hour)))
	for range 3 {
		if _, err := s.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.signatureChecks.Load(); n != 1 {
		t.Errorf("3 verifications made %d signature checks, want 1", n)
	}
	s.Forget(tok)
	if _, err := s.Verify(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if n := s.signatureChecks.Load(); n != 2 {
		t.Errorf("after Forget: %d signature checks, want 2", n)
	}
	s.ForgetPool("us-east-1_pool")
	if _, err := s.Verify(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if n := s.signatureChecks.Load(); n != 3 {
		t.Errorf("after ForgetPool: %d signature checks, want 3", n)
	}
}

package oidcjwt

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/oidcjwt/oidcjwttest"
)

type testKey struct {
	kid, alg string
	private  any
	public   any
}

// issuer serves a discovery document and the JWKS of the keys it publishes.
type issuer struct {
	srv       *httptest.Server
	published atomic.Pointer[[]testKey]
	fetches   atomic.Int64
}

func newIssuer(t testing.TB, keys ...testKey) *issuer {
	is := &issuer{}
	is.published.Store(&keys)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		w.Write(jwks(t, *is.published.Load()...))
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func jwks(t testing.TB, keys ...testKey) []byte {
	var set jose.JSONWebKeySet
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.public, KeyID: k.kid, Algorithm: k.alg, Use: "sig"})
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func rsaKey(t testing.TB, kid, alg string) testKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: alg, private: k, public: &k.PublicKey}
}

func ecKey(t testing.TB, kid string) testKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: "ES256", private: k, public: &k.PublicKey}
}

func sign(t testing.TB, k testKey, alg jose.SignatureAlgorithm) *jose.JSONWebSignature {
	compact := oidcjwttest.Sign(t, alg, k.kid, k.private, []byte(`{"sub":"x"}`))
	parsed, err := jose.ParseSignedCompact(compact, AllowedAlgorithms)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestVerify(t *testing.T) {
	ctx := context.Background()
	rs, es := rsaKey(t, "rs", "RS256"), ecKey(t, "es")
	is := newIssuer(t, rs, es)
	now := time.Unix(1_700_000_000, 0)
	keys := NewKeys(is.srv.URL, "", http.DefaultClient, quiet, func() time.Time { return now })

	for _, tc := range []struct {
		name string
		jws  *jose.JSONWebSignature
		want error
	}{
		{"RSA key, its alg", sign(t, rs, jose.RS256), nil},
		{"EC key", sign(t, es, jose.ES256), nil},
		{"alg other than the JWK states", sign(t, rs, jose.RS384), ErrBadSignature},
		{"unknown kid", sign(t, rsaKey(t, "other", ""), jose.RS256), ErrBadSignature},
		{"no kid", sign(t, rsaKey(t, "", ""), jose.RS256), ErrBadSignature},
	} {
		payload, err := keys.Verify(ctx, tc.jws)
		if !errors.Is(err, tc.want) || (err == nil && string(payload) != `{"sub":"x"}`) {
			t.Errorf("%s: got %q, %v; want %v", tc.name, payload, err, tc.want)
		}
	}
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("fetched %d times; the unknown kid's refetch must wait out RefetchInterval", n)
	}

	// A rotated key is picked up by the refetch an unknown kid causes.
	rotated := rsaKey(t, "rotated", "RS256")
	is.published.Store(&[]testKey{rotated})
	now = now.Add(RefetchInterval)
	if _, err := keys.Verify(ctx, sign(t, rotated, jose.RS256)); err != nil {
		t.Fatalf("rotated key: %v", err)
	}

	down := NewKeys("http://127.0.0.1:1", "", http.DefaultClient, quiet, nil)
	if _, err := down.Verify(ctx, sign(t, rs, jose.RS256)); !errors.Is(err, ErrNoKeys) {
		t.Fatalf("issuer down: %v", err)
	}
}

func FuzzParseJWKS(f *testing.F) {
	f.Add(jwks(f, rsaKey(f, "rs", "RS256"), ecKey(f, "es")))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AAAA","kid":"h"},{"kty":"EC","crv":"P-521","x":"","y":""}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := ParseJWKS(body)
		if err == nil && len(keys) == 0 {
			t.Fatal("no error for a key set without usable keys")
		}
		for kid, k := range keys {
			if kid == "" || !usableKey(k.Public) {
				t.Fatalf("unusable key %q kept", kid)
			}
		}
	})
}

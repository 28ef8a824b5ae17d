package authorizer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/oidcjwt/oidcjwttest"
)

// testIssuer is a real OIDC issuer over HTTP: discovery and a JWKS of keys
// it can rotate, counting what verifiers fetch.
type testIssuer struct {
	srv              *httptest.Server
	mu               sync.Mutex
	published        []testKey
	down             atomic.Bool
	jwksFetches      atomic.Int64
	discoveryFetches atomic.Int64
}

type testKey struct {
	kid     string
	alg     jose.SignatureAlgorithm
	private crypto.Signer
	jwkAlg  string // the alg the JWKS states; "" states none
}

var (
	sharedRSAOnce sync.Once
	sharedRSA     *rsa.PrivateKey
	kidSeq        atomic.Int64
)

// rsaKey is one 2048-bit key for the whole test binary: generating them is slow.
func rsaKey(t testing.TB) *rsa.PrivateKey {
	sharedRSAOnce.Do(func() {
		var err error
		if sharedRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	})
	return sharedRSA
}

// newKey makes a key for alg with a fresh kid.
func newKey(t testing.TB, alg jose.SignatureAlgorithm) testKey {
	t.Helper()
	var private crypto.Signer
	var err error
	switch alg {
	case jose.RS256, jose.RS384, jose.RS512:
		private = rsaKey(t)
	case jose.ES256:
		private, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.ES384:
		private, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case jose.EdDSA:
		_, private, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("no test key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: "kid-" + strconv.FormatInt(kidSeq.Add(1), 10), alg: alg, private: private, jwkAlg: string(alg)}
}

// newTestIssuer starts an issuer publishing an RS256, an ES256 and an EdDSA key.
func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	ti := &testIssuer{}
	ti.published = []testKey{newKey(t, jose.RS256), newKey(t, jose.ES256), newKey(t, jose.EdDSA)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		ti.discoveryFetches.Add(1)
		if ti.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"issuer": ti.url(), "jwks_uri": ti.url() + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		ti.jwksFetches.Add(1)
		if ti.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write(ti.jwks(t))
	})
	ti.srv = httptest.NewServer(mux)
	t.Cleanup(ti.srv.Close)
	return ti
}

func (ti *testIssuer) url() string { return ti.srv.URL }

func (ti *testIssuer) jwks(t testing.TB) []byte {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	var set jose.JSONWebKeySet
	for _, k := range ti.published {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.private.Public(), KeyID: k.kid, Algorithm: k.jwkAlg, Use: "sig"})
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Error(err)
	}
	return body
}

// key returns the published key for alg.
func (ti *testIssuer) key(t testing.TB, alg jose.SignatureAlgorithm) testKey {
	t.Helper()
	ti.mu.Lock()
	defer ti.mu.Unlock()
	for _, k := range ti.published {
		if k.alg == alg {
			return k
		}
	}
	t.Fatalf("issuer publishes no %s key", alg)
	return testKey{}
}

// publish replaces the issuer's key set.
func (ti *testIssuer) publish(keys ...testKey) {
	ti.mu.Lock()
	ti.published = keys
	ti.mu.Unlock()
}

func (ti *testIssuer) fetches() int64 { return ti.jwksFetches.Load() }

// claims are a valid token's claims for this issuer; over overrides or,
// with a nil value, removes.
func (ti *testIssuer) claims(over map[string]any) map[string]any {
	// Issued a minute ago: the authorizers under test run on a clock frozen
	// when they were built, and a token stamped "now" could otherwise look
	// issued in the future once the test crosses a second.
	now := time.Now().Unix()
	c := map[string]any{
		"iss": ti.url(), "sub": "user-1", "aud": "api", "iat": now - 60, "exp": now + 3600, "scope": "read write",
	}
	for name, v := range over {
		if v == nil {
			delete(c, name)
		} else {
			c[name] = v
		}
	}
	return c
}

// sign signs claims with k, naming k.kid in the header.
func sign(t testing.TB, k testKey, claims map[string]any) string {
	t.Helper()
	return signAs(t, k.alg, k.kid, k.private, claims)
}

func signAs(t testing.TB, alg jose.SignatureAlgorithm, kid string, private crypto.Signer, claims map[string]any) string {
	t.Helper()
	return oidcjwttest.Sign(t, alg, kid, private, claims)
}

package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// oidcIssuer is a third-party OpenID issuer a test runs: discovery, a JWKS
// with one RSA key at a time, and tokens minted with that key.
type oidcIssuer struct {
	URL string
	mu  sync.Mutex
	key *rsa.PrivateKey
	kid string
	n   int // keys made so far, for kids
}

func newOIDCIssuer(t *testing.T) *oidcIssuer {
	t.Helper()
	iss := &oidcIssuer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]string{"issuer": iss.URL, "jwks_uri": iss.URL + "/jwks"})
		case "/jwks":
			iss.mu.Lock()
			set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &iss.key.PublicKey, KeyID: iss.kid, Algorithm: "RS256", Use: "sig"}}}
			iss.mu.Unlock()
			json.NewEncoder(w).Encode(set)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	iss.URL = srv.URL
	iss.rotate(t)
	return iss
}

// rotate replaces the issuer's key with a new one under a new kid; the old
// one is no longer published.
func (iss *oidcIssuer) rotate(t *testing.T) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.n++
	iss.key, iss.kid = key, "key-"+string(rune('0'+iss.n))
}

// mint signs a token for audience with the current key, valid from
// issuedAt for an hour, with extra claims.
func (iss *oidcIssuer) mint(t *testing.T, audience string, issuedAt time.Time, extra map[string]any) string {
	t.Helper()
	iss.mu.Lock()
	key, kid := iss.key, iss.kid
	iss.mu.Unlock()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{
		"iss": iss.URL, "aud": audience, "sub": "partner-user",
		"iat": issuedAt.Unix(), "nbf": issuedAt.Unix(), "exp": issuedAt.Add(time.Hour).Unix(),
	}
	for k, v := range extra {
		claims[k] = v
	}
	token, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// echoBackend is the service behind moat: it answers what it was sent as
// JSON, adds a CORS header of its own (which moat must replace), and has a
// /slow path that takes two seconds.
func echoBackend(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		json.NewEncoder(w).Encode(map[string]any{
			"path": r.URL.Path, "sub": r.Header.Values("X-User-Sub"),
			"email": r.Header.Get("X-User-Email"), "username": r.Header.Get("X-User-Name"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// thirdParty is a provider API that wants a key: it remembers every X-Api-Key
// value it was sent and answers without echoing any.
type thirdParty struct {
	URL  string
	mu   sync.Mutex
	keys [][]string
}

func newThirdParty(t *testing.T) *thirdParty {
	t.Helper()
	tp := &thirdParty{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tp.mu.Lock()
		tp.keys = append(tp.keys, r.Header.Values("X-Api-Key"))
		tp.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"provider":"ok"}`))
	}))
	t.Cleanup(srv.Close)
	tp.URL = srv.URL
	return tp
}

func (tp *thirdParty) received() [][]string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([][]string(nil), tp.keys...)
}

// gatewayCall sends one request to moat's gateway.
func gatewayCall(t *testing.T, m *Moat, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, m.GatewayURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, body := do(t, req)
	return res, string(body)
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

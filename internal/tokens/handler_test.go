package tokens

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func get(t *testing.T, method, url string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// An independent verifier — go-jose given only the served JWKS — accepts our tokens.
func TestServedJWKSVerifiesTokens(t *testing.T) {
	clock := newTestClock()
	s := clock.serviceOn(openStore(t, "us-east-1_pool"))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tokens := map[string]string{
		UseID:     mustSign(t, s, "us-east-1_pool", UseID, idClaims(clock.in(time.Hour))),
		UseAccess: mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Hour))),
	}
	if err := s.RotateKeys(context.Background(), "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}

	resp, body := get(t, http.MethodGet, srv.URL+"/us-east-1_pool/.well-known/jwks.json")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != jwksCacheControl {
		t.Fatalf("JWKS: %d %v", resp.StatusCode, resp.Header)
	}
	var shape struct{ Keys []map[string]string }
	if err := json.Unmarshal(body, &shape); err != nil || len(shape.Keys) != 4 {
		t.Fatalf("JWKS %s: %v; want 4 keys (2 uses, 1 rotation)", body, err)
	}
	for _, k := range shape.Keys {
		if len(k) != 6 || k["alg"] != "RS256" || k["e"] != "AQAB" || k["kty"] != "RSA" || k["use"] != "sig" || len(k["kid"]) != 44 || len(k["n"]) != 342 {
			t.Errorf("JWKS key %v is not shaped like Cognito's", k)
		}
	}

	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	for use, tok := range tokens {
		jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		keys := set.Key(jws.Signatures[0].Header.KeyID)
		if len(keys) != 1 {
			t.Fatalf("%s token's kid is not in the JWKS", use)
		}
		payload, err := jws.Verify(keys[0])
		if err != nil {
			t.Fatalf("%s token: %v", use, err)
		}
		var claims map[string]any
		json.Unmarshal(payload, &claims)
		if claims["iss"] != testURL+"/us-east-1_pool" || claims["token_use"] != use {
			t.Errorf("%s token claims = %v", use, claims)
		}
	}
}

func TestDiscoveryDocument(t *testing.T) {
	s := newTestClock().serviceOn(openStore(t, "us-east-1_pool"))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	discovery := func() map[string]any {
		t.Helper()
		resp, body := get(t, http.MethodGet, srv.URL+"/us-east-1_pool/.well-known/openid-configuration")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("discovery: %d %v", resp.StatusCode, resp.Header)
		}
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := map[string]any{
		"issuer":   testURL + "/us-east-1_pool",
		"jwks_uri": testURL + "/us-east-1_pool/.well-known/jwks.json",
		// Only what is served: no response types, scopes or token-endpoint
		// auth methods while there are no OAuth endpoints.
		"subject_types_supported":               []any{"public"},
		"id_token_signing_alg_values_supported": []any{"RS256"},
	}
	if got := discovery(); !reflect.DeepEqual(got, want) {
		t.Errorf("discovery without OAuth endpoints =\n%v\nwant\n%v", got, want)
	}
	// With the OAuth endpoints served, the document lists every one of them.
	s.ServeOAuthEndpoints(func(_ context.Context, poolID string) string { return "https://auth.example.test/" + poolID })
	base := "https://auth.example.test/us-east-1_pool"
	want["authorization_endpoint"] = base + "/oauth2/authorize"
	want["response_types_supported"] = []any{"code", "token"}
	want["token_endpoint"] = base + "/oauth2/token"
	want["userinfo_endpoint"] = base + "/oauth2/userInfo"
	want["revocation_endpoint"] = base + "/oauth2/revoke"
	want["scopes_supported"] = []any{"openid", "email", "phone", "profile"}
	want["token_endpoint_auth_methods_supported"] = []any{"client_secret_basic", "client_secret_post"}
	want["code_challenge_methods_supported"] = []any{"S256"}
	want["grant_types_supported"] = []any{"authorization_code", "implicit", "refresh_token", "client_credentials"}
	if got := discovery(); !reflect.DeepEqual(got, want) {
		t.Errorf("discovery with OAuth endpoints =\n%v\nwant\n%v", got, want)
	}
}

func TestHandlerStatuses(t *testing.T) {
	s := newTestClock().serviceOn(openStore(t, "us-east-1_pool"))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, doc := range []string{"jwks.json", "openid-configuration"} {
		t.Run(doc, func(t *testing.T) {
			resp, body := get(t, http.MethodHead, srv.URL+"/us-east-1_pool/.well-known/"+doc)
			if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("HEAD: %d, %d body bytes", resp.StatusCode, len(body))
			}
			resp, _ = get(t, http.MethodPost, srv.URL+"/us-east-1_pool/.well-known/"+doc)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("POST: %d, want 405", resp.StatusCode)
			}
			for _, pool := range []string{"us-east-1_missing", "bad%20pool", "%2e%2e"} {
				resp, body = get(t, http.MethodGet, srv.URL+"/"+pool+"/.well-known/"+doc)
				var msg struct{ Message string }
				if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &msg) != nil || msg.Message == "" {
					t.Errorf("pool %s: %d %s, want a 404 with a JSON message", pool, resp.StatusCode, body)
				}
			}
		})
	}
}

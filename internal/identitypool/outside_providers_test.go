package identitypool

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/oidcjwt/oidcjwttest"

	"github.com/moat-dev/moat/internal/awserr"
)

// oidcIssuer is an outside OpenID Connect provider: discovery, JWKS, and
// RS256 ID tokens.
type oidcIssuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newOIDCIssuer(t testing.TB) *oidcIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	iss := &oidcIssuer{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": iss.srv.URL, "jwks_uri": iss.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

func (iss *oidcIssuer) token(t testing.TB, claims map[string]any) string {
	t.Helper()
	body := map[string]any{"iss": iss.srv.URL, "sub": "outside-user", "aud": "app-1", "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		body[k] = v
	}
	return oidcjwttest.Sign(t, jose.RS256, "k1", iss.key, body)
}

func TestOutsideProvider(t *testing.T) {
	f := newFixture(t)
	iss := newOIDCIssuer(t)
	poolID := f.identityPool(t, IdentityPool{IdentityPoolName: "oidc", SupportedLoginProviders: map[string]string{iss.srv.URL: "app-0, app-1"}})
	role := f.role(t, "oidc-users", strings.Replace(trustPolicy(poolID, iss.srv.URL), `,"sts:TagSession"`, "", 1))
	f.setRoles(t, poolID, map[string]string{"authenticated": role}, nil)
	get := func(token string) (string, error) {
		out, err := f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{iss.srv.URL: token}})
		if err != nil {
			return "", err
		}
		return out.IdentityId, nil
	}
	id := must(get(iss.token(t, nil)))
	if again := must(get(iss.token(t, map[string]any{"aud": []any{"other", "app-0"}}))); again != id {
		t.Fatalf("same subject, identities %s and %s", id, again)
	}
	out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: map[string]string{iss.srv.URL: iss.token(t, nil)}}))
	s := must(f.issuer.Open(ctx, out.Credentials.SessionToken))
	if s.RoleARN != role || strings.Join(s.AMR, ",") != "authenticated,"+iss.srv.URL {
		t.Fatalf("session %+v", s)
	}

	_, err := get(iss.token(t, map[string]any{"aud": "app-2"}))
	wantCode(t, err, awserr.NotAuthorized, errWrongAudience.Message)
	_, err = get(iss.token(t, map[string]any{"iss": "https://elsewhere.example"}))
	wantCode(t, err, awserr.NotAuthorized, errIssuerMismatch.Message)
	_, err = get(iss.token(t, map[string]any{"exp": time.Now().Unix() - 1}))
	wantCode(t, err, awserr.NotAuthorized, errTokenExpired.Message)
	_, err = get(newOIDCIssuer(t).token(t, map[string]any{"iss": iss.srv.URL}))
	wantCode(t, err, awserr.NotAuthorized, errTokenInvalid.Message)
	_, err = get(iss.token(t, map[string]any{"sub": ""}))
	wantCode(t, err, awserr.NotAuthorized, errTokenInvalid.Message)

	_, err = f.CreateIdentityPool(ctx, &IdentityPool{IdentityPoolName: "bad", SupportedLoginProviders: map[string]string{"ftp://x": "a"}})
	wantCode(t, err, awserr.InvalidParameter, "")
}

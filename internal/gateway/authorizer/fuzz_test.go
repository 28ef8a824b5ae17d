package authorizer

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/gateway"
)

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"", "Bearer", "Bearer x.y.z", "bEaReR\t t ", "Bearerx", " \t", "x.y.z", "Bearer Bearer a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		tok := bearerToken(value)
		if tok != strings.TrimSpace(tok) || len(tok) > len(value) {
			t.Fatalf("bearerToken(%q) = %q", value, tok)
		}
	})
}

func FuzzIdentitySource(f *testing.F) {
	for _, s := range []string{"", "$request.header.Authorization", "method.request.header.X-T", "$request.querystring.t", "$request.header.", "a,b", "$request.querystring.%zz"} {
		f.Add(s, "Bearer t")
	}
	f.Fuzz(func(t *testing.T, source, value string) {
		src, err := parseIdentitySource(source)
		if err != nil {
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawQuery = value
		if src.header != "" {
			r.Header[src.header] = []string{value}
		}
		src.token(r)
	})
}

func FuzzPoolIDOf(f *testing.F) {
	for _, s := range []string{"us-east-1_abc", "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc", "arn:", "arn:a:b:c:d:e", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		if id, err := poolIDOf(ref, testRegion); err == nil && (id == "" || strings.ContainsAny(id, ":/")) {
			t.Fatalf("poolIDOf(%q) = %q", ref, id)
		}
	})
}

// FuzzJWTAuthorize feeds arbitrary tokens to a JWT authorizer trusting a
// real issuer: whatever comes, the answer is an identity or a gateway error.
func FuzzJWTAuthorize(f *testing.F) {
	ti := newTestIssuer(f)
	a, _ := newJWTAuthorizer(f, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api"}})
	k := ti.key(f, jose.EdDSA)
	for _, tok := range []string{
		sign(f, k, ti.claims(nil)),
		sign(f, k, ti.claims(map[string]any{"aud": []any{"api", 3}, "scp": []any{"a", nil}, "nbf": -1})),
		sign(f, ti.key(f, jose.ES256), ti.claims(map[string]any{"exp": 1e300})),
		unsigned(f, k.kid, ti.claims(nil)),
		"a.b.c", "..", "e30.e30.", "",
	} {
		f.Add(tok, "read")
	}
	f.Fuzz(func(t *testing.T, token, scope string) {
		req := request("", scope)
		req.HTTP.Header["Authorization"] = []string{token}
		id, err := a.Authorize(context.Background(), req)
		var ge *gateway.Error
		switch {
		case err == nil && id == nil:
			t.Fatal("no identity and no error")
		case err != nil && !errors.As(err, &ge):
			t.Fatalf("error %v is not a *gateway.Error", err)
		case err == nil && !anyScope(id.Scopes, []string{scope}):
			t.Fatalf("admitted without scope %q", scope)
		}
	})
}

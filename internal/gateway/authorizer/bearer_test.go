package authorizer

import (
	"net/http/httptest"
	"testing"
)

func TestIdentitySources(t *testing.T) {
	const tok = "eyJ.x.y"
	for _, c := range []struct {
		source, url, header, value, want string
	}{
		{"", "/", "Authorization", "Bearer " + tok, tok},
		{"", "/", "Authorization", tok, tok},
		{"", "/", "Authorization", "bearer   " + tok + " ", tok},
		{"", "/", "Authorization", "BEARER\t" + tok, tok},
		{"", "/", "Authorization", "Bearer", ""},
		{"", "/", "Authorization", "Bearerx", "Bearerx"},
		{"", "/", "X-Token", tok, ""},
		{"$request.header.x-token", "/", "X-Token", tok, tok},
		{"method.request.header.X-Token", "/", "X-Token", "Bearer " + tok, tok},
		{"$request.querystring.access_token", "/p?access_token=" + tok, "", "", tok},
		{"method.request.querystring.t", "/p?t=Bearer%20" + tok, "", "", tok},
		{"$request.querystring.t", "/p?other=" + tok, "", "", ""},
	} {
		src, err := parseIdentitySource(c.source)
		if err != nil {
			t.Fatalf("%q: %v", c.source, err)
		}
		r := httptest.NewRequest("GET", c.url, nil)
		if c.header != "" {
			r.Header.Set(c.header, c.value)
		}
		if got := src.token(r); got != c.want {
			t.Errorf("source %q, %s %q: token %q, want %q", c.source, c.header, c.value, got, c.want)
		}
	}
	for _, bad := range []string{
		"$request.header.", "$request.header.a b", "$request.querystring.", "$request.path.id",
		"$request.header.Authorization, $request.querystring.t", "Authorization",
	} {
		if _, err := parseIdentitySource(bad); err == nil {
			t.Errorf("identity source %q accepted", bad)
		}
	}
}

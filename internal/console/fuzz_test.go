package console

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool"
)

// FuzzChangeForms posts arbitrary forms, signed in and with the CSRF
// token, to every change of the user-pool pages: each is answered (a
// redirect with the API's refusal, or a page), never a 5xx or a panic.
func FuzzChangeForms(f *testing.F) {
	tb, c, csrf := adminSession(f)
	poolID := tb.createPool(f, "Fuzz")
	if _, err := tb.pools.AdminCreateUser(context.Background(), &userpool.AdminCreateUserInput{UserPoolId: poolID, Username: "ann", MessageAction: "SUPPRESS"}); err != nil {
		f.Fatal(err)
	}
	paths := []string{"/console/pools", "/pools/{pool}/clients", "/pools/{pool}/groups", "/pools/{pool}/users"}
	for a := range tb.userActionPaths() {
		paths = append(paths, "/pools/{pool}/users/{user}/"+a)
	}
	f.Add(uint8(0), "ann", "name=Shop&signInWith=email")
	f.Add(uint8(1), "ann", "name=web&flow=ALLOW_NOPE&callbackUrls=javascript:alert(1)")
	f.Add(uint8(3), "ann", "username=%00&email=@&temporaryPassword=x")
	f.Add(uint8(5), "nobody", "group=%ff%fe&password=")
	f.Add(uint8(6), "../ann", "back=https://evil.example/&group=staff")
	f.Fuzz(func(t *testing.T, which uint8, user, form string) {
		path := paths[int(which)%len(paths)]
		path = strings.NewReplacer("{pool}", poolID, "{user}", url.PathEscape(user)).Replace(path)
		if !strings.HasPrefix(path, Prefix) {
			path = Prefix + path
		}
		body := form + "&_csrf=" + url.QueryEscape(csrf)
		res, err := c.Post(tb.url+path, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("POST %s %q: %d", path, form, res.StatusCode)
		}
		if loc := res.Header.Get("Location"); loc != "" && !strings.HasPrefix(loc, Prefix) {
			t.Fatalf("POST %s %q redirected away from the console: %s", path, form, loc)
		}
	})
}

// userActionPaths are the user page's action paths.
func (tb *testbed) userActionPaths() map[string]bool {
	out := map[string]bool{}
	for a := range (&Console{}).userActions() {
		out[a.path] = true
	}
	return out
}

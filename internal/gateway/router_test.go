package gateway

import (
	"strings"
	"testing"
)

func testRouter(t testing.TB, keys ...string) *router {
	t.Helper()
	var rt router
	for _, k := range keys {
		method, path, _ := strings.Cut(k, " ")
		if k == DefaultPath {
			method, path = "ANY", DefaultPath
		}
		var tmpl pathTemplate
		if path != DefaultPath {
			var err error
			if tmpl, err = parsePathTemplate(path); err != nil {
				t.Fatal(err)
			}
		}
		if err := rt.add(method, tmpl, path == DefaultPath, &boundRoute{key: k, params: tmpl.params}); err != nil {
			t.Fatal(err)
		}
	}
	return &rt
}

func TestRoutePrecedence(t *testing.T) {
	rt := testRouter(t, "GET /pets", "GET /pets/{id}", "ANY /pets/{id}", "GET /pets/mine", "GET /{proxy+}",
		"POST /files/{proxy+}", "GET /a/{x}/c", "GET /a/b/d", "$default")
	for _, tc := range []struct{ method, path, want, params string }{
		{"GET", "/pets", "GET /pets", ""},
		{"GET", "/pets/mine", "GET /pets/mine", ""},
		{"GET", "/pets/7", "GET /pets/{id}", "7"},
		{"DELETE", "/pets/7", "ANY /pets/{id}", "7"},
		{"GET", "/other/deep/path", "GET /{proxy+}", "other/deep/path"},
		{"POST", "/files/a/b", "POST /files/{proxy+}", "a/b"},
		{"GET", "/a/b/c", "GET /a/{x}/c", "b"}, // literal b leads nowhere for c: backtrack to {x}
		{"GET", "/a/b/d", "GET /a/b/d", ""},
		{"POST", "/nothing", "$default", ""},
		{"GET", "/", "$default", ""},
		{"GET", "/pets/", "GET /{proxy+}", "pets/"},
	} {
		var values [maxPathParams]string
		r := rt.match(tc.method, tc.path, &values)
		if r == nil || r.key != tc.want {
			t.Errorf("%s %s: got %v, want %s", tc.method, tc.path, r, tc.want)
			continue
		}
		if len(r.params) > 0 && values[0] != tc.params {
			t.Errorf("%s %s: param %q, want %q", tc.method, tc.path, values[0], tc.params)
		}
	}
}

func TestPathTemplateErrors(t *testing.T) {
	for _, p := range []string{"pets", "/pets/", "//a", "/{proxy+}/x", "/a{b}", "/{}", "/{a}/{a}", "/{a"} {
		if _, err := parsePathTemplate(p); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

// FuzzMatch: matching never panics, and a match's parameters put back into
// its template give the path.
func FuzzMatch(f *testing.F) {
	keys := []string{"GET /pets/{id}", "ANY /pets/{id}/toys/{toy}", "GET /files/{proxy+}", "GET /", "GET /pets"}
	rt := testRouter(f, keys...)
	for _, s := range []string{"/pets/1", "/pets/1/toys/2", "/files/a/b/c", "/", "//", "/pets/", "/files/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		var values [maxPathParams]string
		r := rt.match("GET", path, &values)
		if r == nil {
			return
		}
		_, tmpl, _ := strings.Cut(r.key, " ")
		for i, name := range r.params {
			tmpl = strings.Replace(tmpl, "{"+name+"+}", values[i], 1)
			tmpl = strings.Replace(tmpl, "{"+name+"}", values[i], 1)
		}
		if tmpl != path {
			t.Fatalf("%s matched %s; rebuilt %q", path, r.key, tmpl)
		}
	})
}

func FuzzPathTemplate(f *testing.F) {
	for _, s := range []string{"/a/{b}/{c+}", "/", "/{x}", "/a{", "$default"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		tmpl, err := parsePathTemplate(p)
		if err == nil && tmpl.shape() == "" {
			t.Fatal("empty shape")
		}
	})
}

func BenchmarkRoute(b *testing.B) {
	rt := testRouter(b, "GET /pets", "GET /pets/{id}", "GET /pets/{id}/toys/{toy}", "GET /{proxy+}", "$default")
	b.ReportAllocs()
	for b.Loop() {
		var values [maxPathParams]string
		if rt.match("GET", "/pets/42/toys/7", &values) == nil {
			b.Fatal("no match")
		}
	}
}

package gateway

import (
	"net/url"
	"strings"
	"testing"
)

func TestCanonicalPath(t *testing.T) {
	for _, tc := range []struct{ in, decoded, encoded string }{
		{"", "/", "/"},
		{"/", "/", "/"},
		{"/pets/7", "/pets/7", "/pets/7"},
		{"/open/%2e%2e/secure", "/secure", "/secure"},
		{"/open/%2E%2E/secure", "/secure", "/secure"},
		{"/open/.%2E/secure", "/secure", "/secure"},
		{"/open/x/../../admin", "/admin", "/admin"},
		{"/a/./b/.", "/a/b/", "/a/b/"},
		{"/a/b/..", "/a/", "/a/"},
		{"/a//b///c", "/a/b/c", "/a/b/c"},
		{"//a", "/a", "/a"},
		{"/a/", "/a/", "/a/"},
		{"/%61%62%7e", "/ab~", "/ab~"},
		{"/x%3ay%2b", "/x:y+", "/x%3Ay%2B"},
		{"/caf%c3%a9", "/café", "/caf%C3%A9"},
		{"/100%25", "/100%", "/100%25"},
		{"/.well-known/jwks.json", "/.well-known/jwks.json", "/.well-known/jwks.json"},
		{"/a/..b/c.", "/a/..b/c.", "/a/..b/c."},
		{"/a;b/c", "/a;b/c", "/a;b/c"},
	} {
		decoded, encoded, ok := canonicalPath(tc.in)
		if !ok || decoded != tc.decoded || encoded != tc.encoded {
			t.Errorf("canonicalPath(%q) = %q, %q, %v; want %q, %q", tc.in, decoded, encoded, ok, tc.decoded, tc.encoded)
		}
	}
	for _, in := range []string{
		"/open/..%2Fsecure", "/open/%2E%2E%2fsecure", "/a%2fb", "/a\\b", "/a%5Cb", "/a%5c..", "/a%00b", "/a%0Ab", "/a%7F",
		"/..", "/a/../..", "/%2e%2e/admin", "/a/..;/admin", "/a/.;x/b", "/a/%2e%2e;/b", "/.%3B", "/a/..%3bx/b", "/a%", "/a%4", "/a%zz", "relative", "*",
	} {
		if d, e, ok := canonicalPath(in); ok {
			t.Errorf("canonicalPath(%q) = %q, %q; want it refused", in, d, e)
		}
	}
}

// A path already canonical costs no allocation.
func TestCanonicalPathFastPath(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { canonicalPath("/items/42/tags") }); n != 0 {
		t.Errorf("%v allocations for a canonical path", n)
	}
}

// FuzzCanonicalPath: the canonical form is a fixed point, decodes to the
// decoded form, and holds no dot segment, empty segment or slash a backend
// could read differently.
func FuzzCanonicalPath(f *testing.F) {
	for _, s := range []string{"/open/%2e%2e/secure", "/a//b/./c/..", "/x%3ay", "/a%2Fb", "/caf%C3%A9/", "/..;/a", "/%25%32%65"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		decoded, encoded, ok := canonicalPath(in)
		if !ok {
			return
		}
		if d2, e2, ok2 := canonicalPath(encoded); !ok2 || d2 != decoded || e2 != encoded {
			t.Fatalf("not a fixed point: %q → %q → %q, %q, %v", in, encoded, e2, d2, ok2)
		}
		if u, err := url.PathUnescape(encoded); err != nil || u != decoded {
			t.Fatalf("%q decodes to %q, not %q", encoded, u, decoded)
		}
		if !strings.HasPrefix(decoded, "/") || strings.Contains(decoded, "//") || strings.ContainsRune(decoded, '\\') {
			t.Fatalf("%q → %q", in, decoded)
		}
		for _, seg := range strings.Split(decoded, "/") {
			if before, _, _ := strings.Cut(seg, ";"); before == "." || before == ".." {
				t.Fatalf("%q → %q keeps a dot segment", in, decoded)
			}
		}
	})
}

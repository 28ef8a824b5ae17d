package sigv4

import "testing"

// The shortcut for parts already in canonical form gives what decoding
// and encoding again gives, for any part.
func FuzzCanonicalQueryPart(f *testing.F) {
	for _, s := range []string{"", "abc", "a%2Fb", "a%2fb", "%41", "%", "%4", "a+b", "%20%2B%3D", "IQoJb3JpZ2luX2VjEO%2F%2F%2F%2F%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		want := string(appendURIEncoded(nil, queryUnescape(raw), false))
		if got := canonicalQueryPart(raw); got != want {
			t.Fatalf("%q: %q, want %q", raw, got, want)
		}
	})
}

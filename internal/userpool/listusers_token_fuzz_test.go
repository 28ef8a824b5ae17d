package userpool

import (
	"testing"
	"unicode/utf8"
)

// FuzzUserPageToken: any token decodes to a bound or is refused, and a
// token made from a bound decodes to it.
func FuzzUserPageToken(f *testing.F) {
	f.Add("alice@example.com", "alice", encodeUserPageToken("x", "y"))
	f.Add("", "k", "WyIiLCIiXQ")
	f.Fuzz(func(t *testing.T, value, key, token string) {
		decodeUserPageToken(token)
		if key == "" {
			return
		}
		v, k, err := decodeUserPageToken(encodeUserPageToken(value, key))
		if err != nil {
			t.Fatalf("own token refused: %v", err)
		}
		if !utf8.ValidString(value) || !utf8.ValidString(key) {
			return // JSON carries valid UTF-8 only, as the wire does
		}
		if k != key || v != value {
			t.Fatalf("token of (%q, %q) decoded to (%q, %q)", value, key, v, k)
		}
	})
}

package authorizer

import (
	"net/url"
	"testing"
)

// firstQueryValue reads the security token as url.Values would.
func FuzzFirstQueryValue(f *testing.F) {
	for _, q := range []string{"X-Amz-Security-Token=abc%2Fdef", "a=1&X-Amz-Security-Token=x&X-Amz-Security-Token=y", "X-Amz-Security-Token=%zz&X-Amz-Security-Token=ok",
		"X-Amz-Security%2DToken=enc", "X-Amz-Security-Token=a;b&X-Amz-Security-Token=c", "X-Amz-Security-Token", "X-Amz-Security-Token=a+b"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		want, _ := url.ParseQuery(q)
		if got := firstQueryValue(q, "X-Amz-Security-Token"); got != want.Get("X-Amz-Security-Token") {
			t.Fatalf("%q: %q, want %q", q, got, want.Get("X-Amz-Security-Token"))
		}
	})
}

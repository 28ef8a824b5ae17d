package gateway

import "testing"

func TestClaimText(t *testing.T) {
	for _, c := range []struct {
		claim any
		want  string
	}{
		{"user-1", "user-1"},
		{float64(1767225600), "1767225600"},
		{true, "true"},
		{[]any{"admins", "dev"}, "admins,dev"},
		{map[string]any{"country": "NZ"}, `{"country":"NZ"}`},
	} {
		if got := headerSafe(claimText(c.claim)); got != c.want {
			t.Errorf("claimText(%v) = %q, want %q", c.claim, got, c.want)
		}
	}
	if got := headerSafe(claimText("line one\r\nX-Injected: yes")); got != "line one  X-Injected: yes" {
		t.Errorf("a claim with CR LF became %q", got)
	}
}

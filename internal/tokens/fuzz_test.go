package tokens

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzVerify feeds Verify arbitrary strings: it must never panic, and must
// answer with claims or one of its two errors.
func FuzzVerify(f *testing.F) {
	clock := newTestClock()
	s := clock.serviceOn(openStore(f, "us-east-1_pool"))
	good := mustSign(f, s, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Hour)))
	for _, seed := range []string{
		good, good[:len(good)-3], "", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.",
		"eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjkyMjkvdXMtZWFzdC0xX3Bvb2wifQ.c2ln",
		`{"payload":"e30","signatures":[]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.Verify(context.Background(), token)
		if err == nil && c == nil || err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
			t.Fatalf("Verify(%q) = %v, %v", token, c, err)
		}
	})
}

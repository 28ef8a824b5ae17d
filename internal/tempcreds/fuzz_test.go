package tempcreds

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzOpen: whatever a client sends as X-Amz-Security-Token, Open answers
// ErrInvalid (or, for a genuine token, the session) and never panics.
func FuzzOpen(f *testing.F) {
	c := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	i := newIssuer(f, openSQLite(f), c)
	creds, err := i.Issue(context.Background(), guest(), 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(creds.SessionToken)
	f.Add(creds.SessionToken[:len(creds.SessionToken)-2])
	f.Add("")
	f.Add("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, token string) {
		s, err := i.Open(context.Background(), token)
		switch {
		case err == nil:
			if token != creds.SessionToken || s.AccessKeyID != creds.AccessKeyId {
				t.Fatalf("opened a token that was never issued: %q", token)
			}
		case !errors.Is(err, ErrInvalid):
			t.Fatalf("Open(%q) = %v", token, err)
		}
	})
}

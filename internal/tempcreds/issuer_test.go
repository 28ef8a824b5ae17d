package tempcreds

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

var (
	accessKeyPattern = regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`)
	secretPattern    = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func openSQLite(t testing.TB) store.Store {
	t.Helper()
	st := sqlstoretest.Open(t)
	return st
}

// clock is a settable time source shared by issuers, like replicas' clocks.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func newIssuer(t testing.TB, st store.Settings, c *clock) *Issuer {
	t.Helper()
	i, err := NewIssuer(context.Background(), st, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func guest() Session {
	return Session{
		IdentityID: "us-east-1:0d6a1b54-9c1e-4d4b-9a37-6f0c3a9d2c11", IdentityPoolID: "us-east-1:pool",
		RoleARN: "arn:aws:iam::000000000000:role/Guest", AMR: []string{"unauthenticated"},
		Issuer: "cognito-identity.amazonaws.com", PrincipalTags: map[string]string{"team": "blue"},
	}
}

func TestIssueAndOpen(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	i := newIssuer(t, openSQLite(t), c)
	creds, err := i.Issue(ctx, guest(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !accessKeyPattern.MatchString(creds.AccessKeyId) || !secretPattern.MatchString(creds.SecretKey) {
		t.Fatalf("keys not AWS-shaped: %q %q", creds.AccessKeyId, creds.SecretKey)
	}
	if want := c.now().Add(DefaultTTL); !creds.Expiration.Equal(want) {
		t.Fatalf("Expiration = %v, want %v", creds.Expiration, want)
	}
	s, err := i.Open(ctx, creds.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	want := guest()
	if s.AccessKeyID != creds.AccessKeyId || s.SecretAccessKey != creds.SecretKey ||
		s.IdentityID != want.IdentityID || s.IdentityPoolID != want.IdentityPoolID || s.RoleARN != want.RoleARN ||
		s.Authenticated || !slices.Equal(s.AMR, want.AMR) || s.PrincipalTags["team"] != "blue" || s.Issuer != want.Issuer ||
		!s.IssuedAt.Equal(c.now()) || !s.Expiration.Equal(creds.Expiration) {
		t.Fatalf("opened %+v, issued %+v", s, creds)
	}
}

func TestLifetimeBounds(t *testing.T) {
	i := newIssuer(t, openSQLite(t), &clock{t: time.Now()})
	for _, ttl := range []time.Duration{MinTTL - time.Second, MaxTTL + time.Second, -time.Hour} {
		if _, err := i.Issue(context.Background(), guest(), ttl); err == nil {
			t.Errorf("Issue with lifetime %v succeeded", ttl)
		}
	}
	for _, ttl := range []time.Duration{MinTTL, MaxTTL} {
		if _, err := i.Issue(context.Background(), guest(), ttl); err != nil {
			t.Errorf("Issue with lifetime %v: %v", ttl, err)
		}
	}
}

func TestExpired(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	i := newIssuer(t, openSQLite(t), c)
	creds, err := i.Issue(ctx, guest(), MinTTL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := i.Open(ctx, creds.SessionToken); err != nil { // cached from here on
		t.Fatal(err)
	}
	c.set(creds.Expiration.Add(-time.Second))
	if _, err := i.Open(ctx, creds.SessionToken); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	c.set(creds.Expiration)
	if _, err := i.Open(ctx, creds.SessionToken); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v, want ErrExpired", err)
	}
	other := newIssuer(t, i.keys.st, c) // nothing cached: the sealed expiry decides
	if _, err := other.Open(ctx, creds.SessionToken); !errors.Is(err, ErrExpired) {
		t.Fatalf("uncached at expiry: %v, want ErrExpired", err)
	}
}

// Replicas share only the store: each opens what the other issued, across
// a key rotation, and a deployment with another store opens nothing.
func TestReplicasAgreeAcrossRotation(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	c := &clock{t: time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC)}
	a, b := newIssuer(t, st, c), newIssuer(t, st, c)
	late, err := a.Issue(ctx, guest(), MaxTTL)
	if err != nil {
		t.Fatal(err)
	}
	c.set(time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)) // the next day: a new key
	early, err := b.Issue(ctx, guest(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"yesterday's key": late.SessionToken, "today's key": early.SessionToken} {
		for _, i := range []*Issuer{a, b} {
			if _, err := i.Open(ctx, tok); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if tokenKey(t, late.SessionToken) == tokenKey(t, early.SessionToken) {
		t.Error("the key did not rotate at midnight")
	}
	stranger := newIssuer(t, openSQLite(t), c)
	if _, err := stranger.Open(ctx, early.SessionToken); !errors.Is(err, ErrInvalid) {
		t.Fatalf("another deployment opened the token: %v", err)
	}
	c.set(time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)) // 1 May's key is retired
	if _, err := newIssuer(t, st, c).Open(ctx, late.SessionToken); !errors.Is(err, ErrInvalid) {
		t.Fatalf("retired key: %v, want ErrInvalid", err)
	}
}

func tokenKey(t *testing.T, token string) keyID {
	env, ok := decodeToken(token)
	if !ok {
		t.Fatal("undecodable token")
	}
	return env.key
}

func TestTamperedTokens(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Now()}
	i := newIssuer(t, openSQLite(t), c)
	one, _ := i.Issue(ctx, guest(), 0)
	two, _ := i.Issue(ctx, guest(), 0)
	raw, _ := tokenEncoding.DecodeString(one.SessionToken)
	swapped, _ := tokenEncoding.DecodeString(two.SessionToken)
	copy(swapped[5:headerLen], raw[5:headerLen]) // two's seal under one's access key id
	cases := map[string]string{
		"empty":             "",
		"not base64":        "!!!!",
		"truncated":         one.SessionToken[:40],
		"swapped key id":    tokenEncoding.EncodeToString(swapped),
		"huge":              string(make([]byte, maxTokenLen+1)),
		"wrong version":     tokenEncoding.EncodeToString(append([]byte{9}, raw[1:]...)),
		"last byte flipped": tokenEncoding.EncodeToString(flip(raw, len(raw)-1)),
		"header flipped":    tokenEncoding.EncodeToString(flip(raw, 7)),
		"key id far future": tokenEncoding.EncodeToString(flip(raw, 1)),
	}
	for name, tok := range cases {
		if _, err := i.Open(ctx, tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func flip(b []byte, at int) []byte {
	out := slices.Clone(b)
	out[at] ^= 0x40
	return out
}

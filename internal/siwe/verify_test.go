package siwe

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// signedMessage is a message a relying party built for key's address, and
// the wallet's signature over it.
func signedMessage(t *testing.T) (*Message, string) {
	t.Helper()
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	statement := "Sign in to moat"
	requestID := "req-1"
	issued := time.Date(2030, 1, 1, 12, 0, 0, 123_000_000, time.UTC)
	expires := NewTimestamp(issued.Add(5 * time.Minute))
	notBefore := NewTimestamp(issued)
	m := &Message{
		Domain: "moat.example", Address: addressOfKey(t, key), Statement: &statement,
		URI: "https://moat.example/login", Version: "1", ChainID: 10, Nonce: "a1b2c3d4e5f6",
		IssuedAt: NewTimestamp(issued), ExpirationTime: &expires, NotBefore: &notBefore, RequestID: &requestID,
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m, "0x" + hex.EncodeToString(signPersonal(key, []byte(m.String())))
}

func TestVerifyChecksEachExpectation(t *testing.T) {
	m, sig := signedMessage(t)
	now := m.IssuedAt.Time().Add(time.Minute)
	good := VerifyOptions{
		Scheme: "https", Domain: "moat.example", URI: "https://moat.example/login", ChainIDs: []uint64{1, 10},
		Nonce: "a1b2c3d4e5f6", RequestID: "req-1", Now: now,
	}
	ctx := context.Background()
	if err := m.Verify(ctx, sig, good); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := m.Verify(ctx, sig[2:], good); err != nil {
		t.Fatalf("Verify without 0x: %v", err)
	}
	parsed, err := ParseMessage(m.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := parsed.Verify(ctx, sig, good); err != nil {
		t.Fatalf("Verify after a round trip through text: %v", err)
	}

	for name, c := range map[string]struct {
		change func(*VerifyOptions)
		want   error
	}{
		"scheme":            {func(o *VerifyOptions) { o.Scheme = "http" }, ErrSchemeMismatch},
		"domain":            {func(o *VerifyOptions) { o.Domain = "evil.example" }, ErrDomainMismatch},
		"uri":               {func(o *VerifyOptions) { o.URI = "https://moat.example/" }, ErrURIMismatch},
		"chain":             {func(o *VerifyOptions) { o.ChainIDs = []uint64{1} }, ErrChainMismatch},
		"nonce":             {func(o *VerifyOptions) { o.Nonce = "a1b2c3d4e5f7" }, ErrNonceMismatch},
		"request ID":        {func(o *VerifyOptions) { o.RequestID = "req-2" }, ErrRequestIDMismatch},
		"at expiry":         {func(o *VerifyOptions) { o.Now = m.ExpirationTime.Time() }, ErrExpired},
		"before not-before": {func(o *VerifyOptions) { o.Now = m.NotBefore.Time().Add(-time.Nanosecond) }, ErrNotYetValid},
		"now by default":    {func(o *VerifyOptions) { o.Now = time.Time{} }, ErrNotYetValid}, // the message is for 2030

	} {
		t.Run(name, func(t *testing.T) {
			opts := good
			c.change(&opts)
			if err := m.Verify(ctx, sig, opts); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}

	t.Run("at not-before", func(t *testing.T) {
		opts := good
		opts.Now = m.NotBefore.Time()
		if err := m.Verify(ctx, sig, opts); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("tampered message", func(t *testing.T) {
		tampered := *m
		tampered.Nonce = "a1b2c3d4e5f7"
		if err := tampered.Verify(ctx, sig, VerifyOptions{Now: now}); !errors.Is(err, ErrInvalidSignature) {
			t.Fatalf("got %v, want ErrInvalidSignature", err)
		}
	})
	t.Run("invalid message", func(t *testing.T) {
		bad := *m
		bad.Version = "2"
		if err := bad.Verify(ctx, sig, VerifyOptions{Now: now}); !errors.Is(err, ErrInvalidMessage) {
			t.Fatalf("got %v, want ErrInvalidMessage", err)
		}
	})
	for _, s := range []string{"", "0x", "0xzz", "0x123", sig[:len(sig)-2], sig + "00"} {
		if err := m.Verify(ctx, s, VerifyOptions{Now: now}); !errors.Is(err, ErrMalformedSignature) {
			t.Errorf("signature %q: got %v, want ErrMalformedSignature", s, err)
		}
	}
}

func TestNewTimestampWritesUTC(t *testing.T) {
	at := time.Date(2030, 1, 1, 12, 0, 0, 5, time.FixedZone("X", 3600))
	ts := NewTimestamp(at)
	if ts.String() != "2030-01-01T11:00:00.000000005Z" {
		t.Fatalf("String = %s", ts)
	}
	back, err := ParseTimestamp(ts.String())
	if err != nil || !back.Time().Equal(at) {
		t.Fatalf("ParseTimestamp(%s) = %v, %v", ts, back.Time(), err)
	}
	m := &Message{Domain: "a.b", Address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", URI: "https://a.b", Version: "1",
		ChainID: 1, Nonce: "12345678", IssuedAt: NewTimestamp(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}
	if err := m.Validate(); !errors.Is(err, ErrInvalidMessage) {
		t.Fatalf("year 10000: got %v, want ErrInvalidMessage", err)
	}
}

// TestVerifyIssuedAtAndScheme: vectors for a message issued further ahead
// than the clock skew allows, and for a scheme that does not match the
// relying party's (a message without one means https).
func TestVerifyIssuedAtAndScheme(t *testing.T) {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	sign := func(scheme string) (*Message, string) {
		m := &Message{Scheme: scheme, Domain: "moat.example", Address: addressOfKey(t, key), URI: "https://moat.example/login",
			Version: "1", ChainID: 1, Nonce: "a1b2c3d4e5f6", IssuedAt: NewTimestamp(issued)}
		return m, "0x" + hex.EncodeToString(signPersonal(key, []byte(m.String())))
	}
	m, sig := sign("")
	for _, tc := range []struct {
		name string
		opts VerifyOptions
		want error
	}{
		{"issued now", VerifyOptions{Now: issued, MaxSkew: time.Minute}, nil},
		{"issued within the skew", VerifyOptions{Now: issued.Add(-time.Minute), MaxSkew: time.Minute}, nil},
		{"issued beyond the skew", VerifyOptions{Now: issued.Add(-time.Minute - time.Second), MaxSkew: time.Minute}, ErrIssuedInFuture},
		{"skew not checked", VerifyOptions{Now: issued.Add(-time.Hour)}, nil},
		{"no scheme is https", VerifyOptions{Now: issued, Scheme: "https"}, nil},
		{"no scheme is not http", VerifyOptions{Now: issued, Scheme: "http"}, ErrSchemeMismatch},
	} {
		if err := m.Verify(context.Background(), sig, tc.opts); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, tc := range []struct {
		scheme, want string
		err          error
	}{{"http", "https", ErrSchemeMismatch}, {"https", "http", ErrSchemeMismatch}, {"http", "http", nil}, {"https", "https", nil}} {
		m, sig := sign(tc.scheme)
		parsed, err := ParseMessage(m.String())
		if err != nil {
			t.Fatal(err)
		}
		if err := parsed.Verify(context.Background(), sig, VerifyOptions{Now: issued, Scheme: tc.want}); !errors.Is(err, tc.err) {
			t.Errorf("message scheme %s, expected %s: got %v, want %v", tc.scheme, tc.want, err, tc.err)
		}
	}
}

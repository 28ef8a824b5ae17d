package console

import (
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/admin"
)

// TestSessionLifetime: a session ends after IdleTimeout unused, and after
// maxSessionLife however busy; a token of no session opens nothing.
func TestSessionLifetime(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := newSessions(15 * time.Minute)
	s.now = func() time.Time { return now }
	token := s.start(Credential{Credentials: admin.Credentials{AccessKeyID: "AKIAADMINCONSOLE0001"}, Role: FullAccess})
	if _, ok := s.open(randomToken()); ok {
		t.Fatal("an unknown token opened a session")
	}
	for range 40 { // busy for 7 h 20 min
		now = now.Add(11 * time.Minute)
		if sess, ok := s.open(token); !ok || sess.keyID != "AKIAADMINCONSOLE0001" {
			t.Fatalf("a session used every 11 minutes ended at %s", now)
		}
	}
	now = now.Add(50 * time.Minute)
	if _, ok := s.open(token); ok {
		t.Error("a session outlived maxSessionLife")
	}

	idle := s.start(Credential{Role: ReadOnly})
	now = now.Add(10 * time.Minute)
	if !s.alive(idle) {
		t.Error("a session 10 minutes idle is not alive")
	}
	now = now.Add(5*time.Minute + time.Second) // alive did not count as a use
	if s.alive(idle) {
		t.Error("a session 15 minutes idle is alive")
	}
	if _, ok := s.open(idle); ok {
		t.Error("a session idle past the timeout is still open")
	}
	if len(s.byKey) != 0 {
		t.Errorf("%d expired sessions kept", len(s.byKey))
	}
}

// TestSignInLimit: past signInFailures failures an address is refused,
// even the right secret, until the window passes; others are not.
func TestSignInLimit(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newSignInLimit()
	l.now = func() time.Time { return now }
	for range signInFailures {
		if !l.allowed("192.0.2.1") {
			t.Fatal("refused before the limit")
		}
		l.failed("192.0.2.1")
	}
	if l.allowed("192.0.2.1") || !l.allowed("192.0.2.2") {
		t.Error("the limit is not per address")
	}
	now = now.Add(signInWindow + time.Second)
	if !l.allowed("192.0.2.1") {
		t.Error("still refused after the window")
	}
	l.failed("192.0.2.1")
	l.succeeded("192.0.2.1")
	if len(l.failures) != 0 {
		t.Errorf("failures kept after a success: %v", l.failures)
	}
}

func TestMatchComparesEveryCredential(t *testing.T) {
	creds := []Credential{{Credentials: adminCreds, Role: FullAccess}, {Credentials: viewerCreds, Role: ReadOnly}}
	for _, c := range []struct {
		id, secret string
		role       Role
		ok         bool
	}{
		{adminCreds.AccessKeyID, adminCreds.SecretAccessKey, FullAccess, true},
		{viewerCreds.AccessKeyID, viewerCreds.SecretAccessKey, ReadOnly, true},
		{viewerCreds.AccessKeyID, adminCreds.SecretAccessKey, "", false},
		{adminCreds.AccessKeyID, "", "", false},
		{"", "", "", false},
	} {
		got, ok := match(creds, c.id, c.secret)
		if ok != c.ok || got.Role != c.role {
			t.Errorf("match(%q, %q) = %v %v", c.id, c.secret, got.Role, ok)
		}
	}
}

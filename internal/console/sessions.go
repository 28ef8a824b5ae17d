package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// maxSessionLife ends a session however busy: a stolen cookie is good
// for a working day at most.
const maxSessionLife = 8 * time.Hour

// session is one signed-in browser. The cookie holds a random token; the
// table is keyed by its hash, so the table alone signs nobody in.
type session struct {
	keyID    string // the access key ID signed in with, for the audit log
	role     Role
	csrf     string // echoed by every change in _csrf (or X-CSRF-Token)
	started  time.Time
	lastSeen time.Time
	flash    flash // shown once, on the next page
}

// flash is a message a change leaves for the page it redirects to.
type flash struct {
	Text  string
	Error bool
}

// sessions are the console's signed-in browsers, kept in this process:
// a replica behind a load balancer needs sticky sessions for the console.
type sessions struct {
	mu    sync.Mutex
	byKey map[[32]byte]*session
	idle  time.Duration
	now   func() time.Time
}

func newSessions(idle time.Duration) *sessions {
	return &sessions{byKey: map[[32]byte]*session{}, idle: idle, now: time.Now}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// start makes a session for c and returns the cookie's token.
func (s *sessions) start(c Credential) string {
	token := randomToken()
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.byKey[sha256.Sum256([]byte(token))] = &session{keyID: c.AccessKeyID, role: c.Role, csrf: randomToken(), started: now, lastSeen: now}
	return token
}

// open finds the token's live session and marks it used; the copy it
// returns is the session as it stood.
func (s *sessions) open(token string) (session, bool) {
	key := sha256.Sum256([]byte(token))
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byKey[key]
	if !ok {
		return session{}, false
	}
	if s.expired(sess, now) {
		delete(s.byKey, key)
		return session{}, false
	}
	sess.lastSeen = now
	return *sess, true
}

// alive says whether the token's session is still open, without counting
// this as a use: a live tail left open does not keep a session from idling out.
func (s *sessions) alive(token string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byKey[sha256.Sum256([]byte(token))]
	return ok && !s.expired(sess, now)
}

// takeFlash returns the session's message and clears it.
func (s *sessions) takeFlash(token string) flash {
	key := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byKey[key]
	if !ok {
		return flash{}
	}
	f := sess.flash
	sess.flash = flash{}
	return f
}

func (s *sessions) setFlash(token string, f flash) {
	key := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.byKey[key]; ok {
		sess.flash = f
	}
}

func (s *sessions) end(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byKey, sha256.Sum256([]byte(token)))
}

func (s *sessions) expired(sess *session, now time.Time) bool {
	return now.Sub(sess.lastSeen) > s.idle || now.Sub(sess.started) > maxSessionLife
}

// sweep forgets expired sessions; called with mu held, on each sign-in.
func (s *sessions) sweep(now time.Time) {
	for key, sess := range s.byKey {
		if s.expired(sess, now) {
			delete(s.byKey, key)
		}
	}
}

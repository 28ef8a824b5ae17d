package oauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/netip"
	"time"

	"github.com/moat-dev/moat/internal/userpool"
)

// Cognito's cookie names: the session that gives single sign-on across a
// pool's clients, and the CSRF token every form echoes in _csrf.
const (
	sessionCookie = "cognito"
	csrfCookie    = "XSRF-TOKEN"
	csrfField     = "_csrf"
)

// sessionCookieOf names the session cookie of a pool: Cognito's cognito
// on the pool's own domain; on the identity listener, which every pool
// shares, one per pool, so signing in to one pool keeps the others'.
func sessionCookieOf(r *http.Request, poolID string) string {
	if _, onDomain := r.Context().Value(domainPoolKey{}).(string); onDomain {
		return sessionCookie
	}
	return sessionCookie + "-" + poolID
}

// signedIn reads the browser's session with the pool, if it has one.
func (p *Provider) signedIn(r *http.Request, poolID string) (*userpool.SignedInUser, int64, bool) {
	c, err := r.Cookie(sessionCookieOf(r, poolID))
	if err != nil {
		return nil, 0, false
	}
	return p.pools.OpenHostedSession(r.Context(), poolID, c.Value)
}

// startSession signs the browser in to the user's pool.
func (p *Provider) startSession(w http.ResponseWriter, r *http.Request, u *userpool.SignedInUser, authTime int64) {
	p.setCookie(w, sessionCookieOf(r, u.PoolID), p.pools.SealHostedSession(u, authTime), userpool.HostedSessionLifetime)
}

// endSession signs the browser out of a pool.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request, poolID string) {
	p.setCookie(w, sessionCookieOf(r, poolID), "", -1)
}

func (p *Provider) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: p.secure, SameSite: http.SameSiteLaxMode})
}

// csrfToken is the browser's CSRF token, set anew when it has none.
func (p *Provider) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand does not fail
	token := base64.RawURLEncoding.EncodeToString(b)
	p.setCookie(w, csrfCookie, token, int((24 * time.Hour).Seconds()))
	return token
}

// csrfValid checks a form's _csrf against the browser's cookie: a form
// another site makes the browser post cannot know it.
func csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) != 43 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) == 1
}

// caller is the address the sign-in limits count, through trusted proxies.
func (p *Provider) caller(r *http.Request) netip.Addr {
	a, _ := netip.ParseAddr(p.proxies.Of(r)) // invalid when unknown: the engine refuses it
	return a.Unmap()
}

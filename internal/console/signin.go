package console

import (
	"crypto/subtle"
	"net/http"
	"time"
)

const (
	sessionCookie = "moat-console"
	// signInCookie carries the sign-in form's CSRF token before there is a
	// session, so another site cannot sign a browser in as itself.
	signInCookie = "moat-console-signin"
	csrfField    = "_csrf"
	csrfHeader   = "X-CSRF-Token"
)

func (c *Console) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge, HttpOnly: true,
		Secure: c.cfg.Secure, SameSite: http.SameSiteStrictMode})
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.current(r); ok {
		http.Redirect(w, r, Prefix+"/pools", http.StatusSeeOther)
		return
	}
	c.showSignIn(w, r, http.StatusOK, "")
}

func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request, status int, problem string) {
	token := randomToken()
	c.setCookie(w, signInCookie, token, int((30 * time.Minute).Seconds()))
	c.render(w, r, status, "signin", &view{Title: "Sign in", CSRF: token, Flash: flash{Text: problem, Error: problem != ""}})
}

// signIn exchanges an access key pair for a session.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	cookie, err := r.Cookie(signInCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		c.showSignIn(w, r, http.StatusForbidden, "The sign-in form expired. Sign in again.")
		return
	}
	source := c.cfg.Proxies.Of(r)
	if !c.signIns.allowed(source) {
		c.log.Warn("console sign-in refused", "reason", "too many failures", "source_ip", source)
		c.showSignIn(w, r, http.StatusTooManyRequests, "Too many failed sign-ins. Try again later.")
		return
	}
	keyID := r.PostFormValue("accessKeyId")
	cred, ok := match(c.creds, keyID, r.PostFormValue("secretAccessKey"))
	if !ok {
		c.signIns.failed(source)
		// The key ID is logged only when it is one of ours: a secret pasted
		// into the wrong field must not end up in the log.
		c.log.Warn("console sign-in failed", "source_ip", source)
		c.showSignIn(w, r, http.StatusUnauthorized, "Those credentials are not valid.")
		return
	}
	c.signIns.succeeded(source)
	c.setCookie(w, signInCookie, "", -1)
	c.setCookie(w, sessionCookie, c.sessions.start(cred), 0)
	c.log.Info("console sign-in", "adminKeyId", cred.AccessKeyID, "role", string(cred.Role), "source_ip", source)
	http.Redirect(w, r, Prefix+"/pools", http.StatusSeeOther)
}

// signOut ends the session; a read-only session may sign out too.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request, rq *request) {
	c.sessions.end(rq.token)
	c.setCookie(w, sessionCookie, "", -1)
	c.log.Info("console sign-out", "adminKeyId", rq.session.keyID)
	http.Redirect(w, r, Prefix+"/signin", http.StatusSeeOther)
}

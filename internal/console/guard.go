package console

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/moat-dev/moat/internal/awserr"
)

// maxFormBytes bounds a console form; a function's test event is the largest.
const maxFormBytes = 1 << 20

// request is a signed-in request: the session it came with.
type request struct {
	token   string
	session session
}

func (c *Console) current(r *http.Request) (*request, bool) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil || cookie.Value == "" {
		return nil, false
	}
	s, ok := c.sessions.open(cookie.Value)
	if !ok {
		return nil, false
	}
	return &request{token: cookie.Value, session: s}, true
}

// view answers a GET for a signed-in session; others go to the sign-in page.
func (c *Console) view(h func(http.ResponseWriter, *http.Request, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, ok := c.current(r)
		if !ok {
			http.Redirect(w, r, Prefix+"/signin", http.StatusSeeOther)
			return
		}
		h(w, r, rq)
	})
}

// post admits a form's POST: a live session, and the session's CSRF token
// in _csrf (or the X-CSRF-Token header, for the pages' scripts). A
// change also needs a session that may change things and is written to
// the audit log; an action that changes nothing (a policy simulation)
// is not.
func (c *Console) post(action string, changes bool, h func(http.ResponseWriter, *http.Request, *request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		rq, ok := c.current(r)
		if !ok {
			c.refuse(w, r, http.StatusUnauthorized, "Sign in to the console first.")
			return
		}
		sent := r.Header.Get(csrfHeader)
		if sent == "" {
			sent = r.PostFormValue(csrfField)
		}
		if subtle.ConstantTimeCompare([]byte(sent), []byte(rq.session.csrf)) != 1 {
			c.log.Warn("console request refused", "reason", "missing or wrong CSRF token", "action", action, "adminKeyId", rq.session.keyID)
			c.refuse(w, r, http.StatusForbidden, "The form's CSRF token is missing or wrong. Reload the page and try again.")
			return
		}
		if changes && rq.session.role != FullAccess {
			c.log.Warn("console change refused", "reason", "read-only", "action", action, "adminKeyId", rq.session.keyID, "target", r.URL.Path)
			c.refuse(w, r, http.StatusForbidden, "This console credential is read-only: it cannot make changes.")
			return
		}
		err := h(w, r, rq)
		if changes {
			attrs := []any{"adminKeyId", rq.session.keyID, "action", action, "target", r.URL.Path}
			if err != nil {
				attrs = append(attrs, "outcome", "refused", "error", errorText(err))
			} else {
				attrs = append(attrs, "outcome", "done")
			}
			c.log.Log(r.Context(), slog.LevelInfo, "console change", attrs...)
		}
		if err != nil && ours(err) {
			c.log.Error("console action failed", "action", action, "err", err)
		}
		if err != nil {
			c.sessions.setFlash(rq.token, flash{Text: errorText(err), Error: true})
			c.back(w, r)
		}
	})
}

// done leaves a message for the next page and goes to it.
func (c *Console) done(w http.ResponseWriter, r *http.Request, rq *request, to, message string) error {
	c.sessions.setFlash(rq.token, flash{Text: message})
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// back returns to the page the form was on (the form's own "back" field,
// a console path), else the path posted to.
func (c *Console) back(w http.ResponseWriter, r *http.Request) {
	to := r.PostFormValue("back")
	if u, err := url.Parse(to); err != nil || u.Host != "" || u.Scheme != "" || !c.Matches(&http.Request{URL: u}) {
		to = r.URL.EscapedPath()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// refuse answers a request the console will not carry out.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, status int, message string) {
	c.render(w, r, status, "refused", &view{Title: http.StatusText(status), Flash: flash{Text: message, Error: true}})
}

// ours says err is moat's fault, not the input's.
func ours(err error) bool {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Status >= 500
	}
	return !errors.As(err, new(inputError))
}

// errorText is what a failed change shows: an AWS-shaped error's code
// and message, as the API would have answered; anything else is ours.
func errorText(err error) string {
	var ae *awserr.Error
	switch {
	case ours(err):
	case errors.As(err, &ae):
		return fmt.Sprintf("%s: %s", ae.Code, ae.Message)
	default:
		return err.Error()
	}
	return "Something went wrong on moat's side; the log has the details."
}

// inputError is a form the console itself found wanting.
type inputError string

func (e inputError) Error() string { return string(e) }

func badInput(format string, args ...any) error { return inputError(fmt.Sprintf(format, args...)) }

package oauth

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/moat-dev/moat/web"
)

// pages are the hosted pages, each parsed with the shared layout.
type pages struct{ byName map[string]*template.Template }

var pageNames = []string{"login", "signup", "confirm", "forgot", "reset", "new_password", "error",
	"mfa_code", "mfa_setup", "choose", "passkey", "passkey_add"}

func loadPages() (*pages, error) {
	byName, err := web.Pages(web.Hosted, "hosted", pageNames, nil)
	if err != nil {
		return nil, err
	}
	return &pages{byName: byName}, nil
}

// assets serves the stylesheet beside the pages.
func assets() http.Handler {
	sub, _ := fs.Sub(web.Hosted, "hosted") // the directory is embedded
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "hosted.css" && r.URL.Path != "passkey.js" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// page is what every hosted page shows: the pool and client it is for,
// the form's CSRF token and where it posts, and any error or notice.
type page struct {
	Title, Lang          string
	PoolName, ClientName string
	Initial              string
	CustomCSS, LogoURL   string
	CSRF                 string
	Action, ResendAction template.URL
	LoginURL, SignUpURL  template.URL
	ForgotURL            template.URL
	Error, Notice, Lead  string
	Username             string
	UsernameLabel        string
	UsernameNoun         string
	UsernameType         string
	LocalSignIn          bool
	Providers            []providerButton
	Fields               []attributeField
	Policy               []string
	Session, Challenge   string
	// OtherWays offers USER_AUTH's choice of first factors on the sign-in page.
	OtherWays bool
	// The second-factor and passkey pages: the code field's label, the
	// choices a choice page offers, whether "remember this device" is asked,
	// a software token's secret and its QR code, the passkey ceremony's
	// options for the page's script (which Script loads), the challenge
	// parameters a retry shows again, and where "not now" goes.
	CodeLabel      string
	Choices        []choiceButton
	AskRemember    bool
	Secret         string
	QRCode         template.HTML
	PasskeyOptions string
	Script         bool
	Carried        map[string]string
	SkipAction     template.URL
	// formTargets are where a form's submission may end up (the client's
	// redirect URI), which the Content-Security-Policy must allow.
	formTargets []string
}

type providerButton struct {
	Name string
	URL  template.URL
}

type choiceButton struct {
	Value, Label, Hint string
	// Password asks for the password with the choice (USER_AUTH's PASSWORD).
	Password bool
}

type attributeField struct {
	Name, Label, Type, Autocomplete, Value string
}

// render writes a page with the hosted pages' security headers.
func (p *Provider) render(w http.ResponseWriter, status int, name string, data *page) {
	var buf bytes.Buffer
	if err := p.pages.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.log.Error("hosted page", "page", name, "err", err)
		http.Error(w, "Internal server error.", http.StatusInternalServerError)
		return
	}
	pageHeaders(w.Header())
	if data.Script {
		w.Header().Set("Content-Security-Policy", pageCSP+"; script-src 'self'")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the browser went away
}

const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"

// pageHeaders forbid framing (clickjacking), script, plugins and any
// resource from elsewhere. They set no form-action: browsers apply it to
// every redirect after a form's submission, and a sign-in's chain of
// redirects legitimately ends wherever the client's registered URI sends
// the browser on (an app's callback redirecting to its start page, or
// another pool's /oauth2/idpresponse when moat is a pool's outside
// provider); the forms post only to moat, and the pages hold no markup
// but moat's own.
// The passkey pages add script-src 'self' for their one module.
func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

package oauth

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/moat-dev/moat/internal/userpool"
)

// After a sign-in the pool could have done with a passkey, a user without
// one is offered to add one: the page's script hands the engine's creation
// options to navigator.credentials.create and posts the answer back, or
// the user goes on without ("Not now").

// offerPasskey shows the offer to the signed-in user; false when it cannot
// be made, and the sign-in goes on.
func (p *Provider) offerPasskey(w http.ResponseWriter, r *http.Request, req *authRequest, u *userpool.SignedInUser) bool {
	return p.showPasskeyOffer(w, r, req, u, http.StatusOK, "")
}

func (p *Provider) showPasskeyOffer(w http.ResponseWriter, r *http.Request, req *authRequest, u *userpool.SignedInUser, status int, errText string) bool {
	options, err := p.pools.HostedStartPasskeyRegistration(r.Context(), u)
	if err != nil {
		p.log.Error("hosted passkey offer", "err", err)
		return false
	}
	pg, _, err := p.newPage(w, r, req, "Sign in faster with a passkey")
	if err != nil {
		p.internalError(w, err)
		return true
	}
	pg.Action, pg.SkipAction = template.URL(req.pageURL("/passkeys/add")), template.URL(req.pageURL("/passkeys/add"))
	pg.Username, pg.Error, pg.PasskeyOptions, pg.Script = u.Username, errText, string(options), true
	p.render(w, status, "passkey_add", pg)
	return true
}

// addPasskey is the offer's POST: the new passkey's registration, or
// "Not now"; either way the sign-in then goes on to the client.
func (p *Provider) addPasskey(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	u, authTime, ok := p.signedIn(r, req.client.PoolID)
	if !ok {
		p.showLogin(w, r, req, http.StatusBadRequest, "", "Your sign-in has ended. Sign in again to add a passkey.", "")
		return
	}
	if r.PostFormValue("skip") == "" {
		if problem := p.registerPasskey(r, u); problem != "" && p.showPasskeyOffer(w, r, req, u, http.StatusBadRequest, problem+` Try again, or choose "Not now".`) {
			return
		}
	}
	p.complete(w, r, req, u, authTime)
}

// registerPasskey completes the registration with the posted passkey; the
// page's message when it fails, "" when it is done.
func (p *Provider) registerPasskey(r *http.Request, u *userpool.SignedInUser) string {
	credential := r.PostFormValue("credential")
	if credential == "" {
		return "Your browser gave no passkey."
	}
	if err := p.pools.HostedCompletePasskeyRegistration(r.Context(), u, json.RawMessage(credential)); err != nil {
		return p.signInMessage(err)
	}
	return ""
}

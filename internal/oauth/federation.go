package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/federation"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Federated sign-in: /oauth2/authorize with identity_provider (or the
// page's button) sends the browser to the outside provider with a sealed
// state; the provider sends it back to /oauth2/idpresponse (OIDC) or
// /saml2/idpresponse (SAML), where its answer is verified, the pool's user
// made or updated (userpool.FederatedSignIn), and the authorization
// request finished as after a password sign-in.

// samlEntityID is the audience SAML IdPs issue a pool's assertions to.
func samlEntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// requestBase is the scheme and host the browser reached moat at, where
// providers send it back to.
func (p *Provider) requestBase(r *http.Request) string { return p.public.Scheme + "://" + r.Host }

func randomValue() string {
	b := make([]byte, 24)
	rand.Read(b) //nolint:errcheck // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// startFederation sends the browser to the provider the request names.
func (p *Provider) startFederation(w http.ResponseWriter, r *http.Request, req *authRequest) {
	prov, err := p.pools.FederationProvider(r.Context(), req.client.PoolID, req.provider)
	if err != nil {
		p.fail(w, r, req, toClient(oidc.ErrInvalidRequest().WithDescription("identity_provider %s does not exist", req.provider)))
		return
	}
	query := req.query.Encode()
	seal := func(nonce string) string {
		return p.pools.SealFederationState(req.client.PoolID, req.client.ClientID,
			userpool.FederationState{Query: query, Provider: prov.ProviderName, Nonce: nonce})
	}
	var target string
	switch prov.ProviderType {
	case userpool.ProviderOIDC:
		nonce := randomValue()
		target, err = p.federation.OIDCAuthorizeURL(r.Context(), prov.ProviderDetails, p.requestBase(r)+"/oauth2/idpresponse", seal(nonce), nonce)
	case userpool.ProviderSAML:
		var sp *federation.SAMLProvider
		if sp, err = p.federation.SAML(r.Context(), prov.ProviderDetails, samlEntityID(req.client.PoolID), p.requestBase(r)+"/saml2/idpresponse"); err == nil {
			target, err = sp.AuthnRequest(seal)
		}
	}
	if err != nil {
		p.federationFailed(w, r, req, prov.ProviderName, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// federationFailed tells the client the provider failed, in Cognito's
// words (error=invalid_request with what went wrong).
func (p *Provider) federationFailed(w http.ResponseWriter, r *http.Request, req *authRequest, provider string, err error) {
	var pe *federation.ErrProvider
	if !errors.As(err, &pe) {
		if ae, ok := awserr.As(err); ok && ae.Code != awserr.InternalError {
			p.fail(w, r, req, toClient(oidc.ErrInvalidRequest().WithDescription("%s", ae.Message)))
			return
		}
		p.log.Error("federated sign-in", "provider", provider, "err", err)
		p.fail(w, r, req, toClient(oidc.ErrServerError()))
		return
	}
	p.log.Info("federated sign-in refused", "provider", provider, "step", pe.Step, "detail", pe.Detail)
	p.fail(w, r, req, toClient(oidc.ErrInvalidRequest().WithDescription("%s Error - %s", provider, pe.Step)))
}

// federationReturn opens the state a provider echoed and checks the
// authorization request it carries again.
func (p *Provider) federationReturn(w http.ResponseWriter, r *http.Request, state string) (*authRequest, *userpool.IdentityProviderType, userpool.FederationState, bool) {
	poolID, clientID, st, ok := p.pools.OpenFederationState(state)
	if !ok {
		p.showError(w, http.StatusBadRequest, "Sign in has to be completed within 5 minutes. Go back to the application and sign in again.")
		return nil, nil, st, false
	}
	q, _ := url.ParseQuery(st.Query) // sealed by us
	req, fail := p.checkAuthRequest(r.Context(), q)
	if fail != nil {
		p.fail(w, r, req, fail)
		return nil, nil, st, false
	}
	if req.client.PoolID != poolID || req.client.ClientID != clientID {
		p.showError(w, http.StatusBadRequest, genericError)
		return nil, nil, st, false
	}
	prov, err := p.pools.FederationProvider(r.Context(), poolID, st.Provider)
	if err != nil {
		p.fail(w, r, req, toClient(oidc.ErrInvalidRequest().WithDescription("identity_provider %s does not exist", st.Provider)))
		return nil, nil, st, false
	}
	return req, prov, st, true
}

// finishFederation signs in the user the provider vouched for.
func (p *Provider) finishFederation(w http.ResponseWriter, r *http.Request, req *authRequest, prov *userpool.IdentityProviderType, subject string, sent signin.ProviderAttributes) {
	u, err := p.pools.FederatedSignIn(r.Context(), req.client.PoolID, req.client.ClientID, prov.ProviderName, subject, sent)
	if err != nil {
		p.federationFailed(w, r, req, prov.ProviderName, err)
		return
	}
	authTime := p.now()
	p.startSession(w, r, u, authTime)
	p.complete(w, r, req, u, authTime)
}

// oidcResponse is GET /oauth2/idpresponse, where an OIDC provider returns.
func (p *Provider) oidcResponse(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, prov, st, ok := p.federationReturn(w, r, q.Get("state"))
	if !ok {
		return
	}
	if e := q.Get("error"); e != "" {
		p.fail(w, r, req, toClient(oidc.ErrInvalidRequest().WithDescription("%s Error - %s", prov.ProviderName, e)))
		return
	}
	subject, sent, err := p.federation.OIDCExchange(r.Context(), prov.ProviderDetails, p.requestBase(r)+"/oauth2/idpresponse",
		q.Get("code"), st.Nonce, prov.AttributeMapping["username"])
	if err != nil {
		p.federationFailed(w, r, req, prov.ProviderName, err)
		return
	}
	p.finishFederation(w, r, req, prov, subject, sent)
}

// maxSAMLResponseBytes bounds a posted SAML response (signed XML, maybe
// with certificates).
const maxSAMLResponseBytes = 1 << 20

// samlResponse is POST /saml2/idpresponse, the assertion consumer service.
// It takes no CSRF token: the IdP's form posts it, and what vouches for it
// is the assertion's signature, answering a request this pool made.
func (p *Provider) samlResponse(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSAMLResponseBytes)
	if err := r.ParseForm(); err != nil {
		p.showError(w, http.StatusBadRequest, "The SAML response could not be read.")
		return
	}
	req, prov, st, ok := p.federationReturn(w, r, r.PostFormValue("RelayState"))
	if !ok {
		return
	}
	if prov.ProviderType != userpool.ProviderSAML {
		p.showError(w, http.StatusBadRequest, genericError)
		return
	}
	sp, err := p.federation.SAML(r.Context(), prov.ProviderDetails, samlEntityID(req.client.PoolID), p.requestBase(r)+"/saml2/idpresponse")
	if err != nil {
		p.federationFailed(w, r, req, prov.ProviderName, err)
		return
	}
	subject, claims, err := sp.Assertion(r, st.Nonce)
	if err != nil {
		p.federationFailed(w, r, req, prov.ProviderName, err)
		return
	}
	p.finishFederation(w, r, req, prov, subject, signin.ProviderAttributes{SAMLResponse: claims})
}

// providerButtons are the sign-in page's buttons for the client's outside
// providers.
func providerButtons(req *authRequest) []providerButton {
	var out []providerButton
	for _, name := range req.client.Config.SupportedIdentityProviders {
		if name == userpool.IdentityProviderCognito {
			continue
		}
		q := url.Values{}
		for k, v := range req.query {
			q[k] = v
		}
		q.Set("identity_provider", name)
		q.Del("notice")
		out = append(out, providerButton{Name: name, URL: template.URL("/oauth2/authorize?" + q.Encode())})
	}
	return out
}

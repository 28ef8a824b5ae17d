package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/moat-dev/moat/internal/userpool"
)

// authRequest is an authorization request (/oauth2/authorize's parameters,
// which /login and the other pages carry along in their query), checked.
type authRequest struct {
	query        url.Values // as received, for the pages' links and actions
	responseType string     // code or token
	redirectURI  string
	state        string
	nonce        string
	challenge    string
	provider     string // identity_provider
	prompt       string
	client       *userpool.OAuthClient
	scopes       []string // granted
}

// Cognito's response types: the code grant and the implicit grant.
const (
	responseCode  = "code"
	responseToken = "token"
)

// requestError is an authorization request refused. Without a trusted
// redirect URI (unknown client, unregistered URI) it is shown on moat's
// error page; otherwise it goes back to the client as error=….
type requestError struct {
	toClient bool
	err      *oidc.Error
	clientID string
}

func mismatch(clientID string) *requestError {
	return &requestError{clientID: clientID, err: &oidc.Error{ErrorType: "redirect_mismatch"}}
}

func toClient(err *oidc.Error) *requestError { return &requestError{toClient: true, err: err} }

// checkAuthRequest applies Cognito's rules to an authorization request, in
// Cognito's order: the client and redirect URI first (failing those, the
// browser never goes back to the client), then everything the client is
// told about.
func (p *Provider) checkAuthRequest(ctx context.Context, q url.Values) (*authRequest, *requestError) {
	clientID := q.Get("client_id")
	req := &authRequest{query: q, responseType: q.Get("response_type"), redirectURI: q.Get("redirect_uri"), state: q.Get("state"),
		nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), provider: q.Get("identity_provider"), prompt: q.Get("prompt")}
	if clientID == "" || len(clientID) > 128 {
		return nil, mismatch(clientID)
	}
	c, err := p.pools.FindOAuthClient(ctx, clientID)
	if err != nil || !c.OAuthEnabled() || !c.RegisteredCallback(req.redirectURI) || !servesPool(ctx, c.PoolID) {
		return nil, mismatch(clientID)
	}
	req.client = c
	switch req.responseType {
	case responseCode, responseToken:
	case "":
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("response_type is required"))
	default:
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("response_type must be code or token"))
	}
	flow := userpool.FlowCode
	if req.responseType == responseToken {
		flow = userpool.FlowImplicit
	}
	if !c.AllowsFlow(flow) {
		return req, toClient(oidc.ErrUnauthorizedClient())
	}
	method := q.Get("code_challenge_method")
	switch {
	case method != "" && method != string(oidc.CodeChallengeMethodS256):
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256"))
	case method != "" && req.challenge == "":
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("code_challenge is required with code_challenge_method"))
	case req.challenge != "" && method == "":
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("code_challenge_method is required with code_challenge"))
	case req.challenge != "" && (len(req.challenge) != 43 || strings.ContainsAny(req.challenge, "+/=")):
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("code_challenge must be the base64url SHA-256 of the verifier"))
	}
	granted, ok := c.GrantScopes(strings.Fields(q.Get("scope")))
	if !ok || len(granted) == 0 {
		return req, toClient(oidc.ErrInvalidScope())
	}
	req.scopes = granted
	if id := q.Get("idp_identifier"); id != "" && req.provider == "" {
		prov, err := p.pools.GetIdentityProviderByIdentifier(ctx, &userpool.GetIdentityProviderByIdentifierInput{UserPoolId: c.PoolID, IdpIdentifier: id})
		if err != nil {
			return req, toClient(oidc.ErrInvalidRequest().WithDescription("idp_identifier %s names no identity provider", id))
		}
		req.provider = prov.IdentityProvider.ProviderName
	}
	if req.provider != "" && !c.SupportsProvider(req.provider) {
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("identity_provider %s is not available to this client", req.provider))
	}
	switch req.prompt {
	case "", "login", "none", "consent", "select_account":
	default:
		return req, toClient(oidc.ErrInvalidRequest().WithDescription("prompt must be login or none"))
	}
	return req, nil
}

// fail answers a refused authorization request.
func (p *Provider) fail(w http.ResponseWriter, r *http.Request, req *authRequest, e *requestError) {
	if !e.toClient {
		// Cognito's order: error first, then the client.
		target := "/error?error=" + url.QueryEscape(string(e.err.ErrorType)) + "&client_id=" + url.QueryEscape(e.clientID)
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	params := url.Values{"error": {string(e.err.ErrorType)}}
	if e.err.Description != "" {
		params.Set("error_description", e.err.Description)
	}
	if req.state != "" {
		params.Set("state", req.state)
	}
	p.redirectToClient(w, r, req, params)
}

// redirectToClient sends the browser to the client's redirect URI with
// params: in the fragment for the implicit grant, the query otherwise.
func (p *Provider) redirectToClient(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) {
	u, _ := url.Parse(req.redirectURI) // registered URIs were checked absolute at registration
	if req.responseType == responseToken {
		u.RawFragment = params.Encode()
		u.Fragment, _ = url.PathUnescape(u.RawFragment)
	} else {
		q := u.Query()
		for k, vs := range params {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authorize is GET /oauth2/authorize: a browser signed in to the pool is
// answered at once (unless prompt=login), a silent request (prompt=none)
// without a session gets login_required, anyone else the sign-in page.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	req, fail := p.checkAuthRequest(r.Context(), r.URL.Query())
	if fail != nil {
		p.fail(w, r, req, fail)
		return
	}
	if req.prompt != "login" {
		if u, authTime, ok := p.signedIn(r, req.client.PoolID); ok {
			p.complete(w, r, req, u, authTime)
			return
		}
	}
	if req.prompt == "none" {
		p.fail(w, r, req, toClient(oidc.ErrLoginRequired()))
		return
	}
	if req.provider != "" && req.provider != userpool.IdentityProviderCognito {
		p.startFederation(w, r, req)
		return
	}
	http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
}

// complete answers an authorization request for a signed-in user: a code,
// or (implicit) the tokens themselves, sent to the client.
func (p *Provider) complete(w http.ResponseWriter, r *http.Request, req *authRequest, u *userpool.SignedInUser, authTime int64) {
	params := url.Values{}
	if req.responseType == responseCode {
		params.Set("code", p.pools.IssueCode(u, userpool.CodeRequest{ClientID: req.client.ClientID, RedirectURI: req.redirectURI,
			Scopes: req.scopes, Nonce: req.nonce, CodeChallenge: req.challenge, AuthTime: authTime}))
	} else {
		result, err := p.pools.IssueOAuthTokens(r.Context(), userpool.OAuthGrant{ClientID: req.client.ClientID, UserKey: u.Key,
			Scopes: req.scopes, Nonce: req.nonce, AuthTime: authTime, OriginJTI: uuid.NewString(), Caller: p.caller(r)}, false)
		if err != nil {
			p.log.Error("implicit grant", "client", req.client.ClientID, "err", err)
			p.fail(w, r, req, toClient(oidc.ErrServerError()))
			return
		}
		params.Set("access_token", result.AccessToken)
		if result.IdToken != "" {
			params.Set("id_token", result.IdToken)
		}
		params.Set("token_type", "Bearer")
		params.Set("expires_in", strconv.FormatInt(result.ExpiresIn, 10))
	}
	if req.state != "" {
		params.Set("state", req.state)
	}
	p.redirectToClient(w, r, req, params)
}

// pageURL is one of the hosted pages, carrying the authorization request.
func (req *authRequest) pageURL(path string) string {
	return path + "?" + req.query.Encode()
}

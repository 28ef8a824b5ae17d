package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool"
)

// The JSON endpoints: /oauth2/token, /oauth2/userInfo, /oauth2/revoke.
// Errors are OAuth's ({"error": …}), never AWS's __type.

// authenticatedClient reads a token or revoke request's form (readTokenForm)
// and the client it names, by HTTP Basic (client_secret_basic) or the body
// (client_secret_post, or client_id alone for a public client), and checks
// its secret.
func (p *Provider) authenticatedClient(w http.ResponseWriter, r *http.Request) (c *userpool.OAuthClient, secret string, _ *oidc.Error) {
	refuse := func(e *oidc.Error) (*userpool.OAuthClient, string, *oidc.Error) { return nil, "", e }
	if e := readTokenForm(w, r); e != nil {
		return refuse(e)
	}
	clientID, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: both parts are form-encoded inside Basic.
		var err1, err2 error
		clientID, err1 = url.QueryUnescape(clientID)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return refuse(oidc.ErrInvalidClient().WithDescription("malformed Authorization header"))
		}
		if body := r.PostFormValue("client_id"); body != "" && body != clientID {
			return refuse(oidc.ErrInvalidRequest().WithDescription("client_id differs from the authenticated client"))
		}
	} else {
		clientID, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if clientID == "" {
		return refuse(oidc.ErrInvalidClient().WithDescription("client_id is required"))
	}
	c, err := p.pools.FindOAuthClient(r.Context(), clientID)
	if err != nil || c.HasSecret() && !c.SecretMatches(secret) || !c.HasSecret() && secret != "" || !servesPool(r.Context(), c.PoolID) {
		return refuse(oidc.ErrInvalidClient())
	}
	return c, secret, nil
}

// readTokenForm parses a JSON endpoint's form body within maxFormBytes.
func readTokenForm(w http.ResponseWriter, r *http.Request) *oidc.Error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return oidc.ErrInvalidRequest().WithDescription("the body is not a form")
	}
	return nil
}

// token is POST /oauth2/token.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	c, _, e := p.authenticatedClient(w, r)
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	var result *userpool.AuthenticationResult
	var err error
	switch grant := r.PostFormValue("grant_type"); grant {
	case string(oidc.GrantTypeCode):
		if !c.AllowsFlow(userpool.FlowCode) {
			writeOAuthError(w, oidc.ErrUnauthorizedClient())
			return
		}
		code := r.PostFormValue("code")
		if code == "" {
			writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("code is required"))
			return
		}
		result, err = p.pools.RedeemCode(r.Context(), p.caller(r), c.ClientID, code, r.PostFormValue("redirect_uri"), r.PostFormValue("code_verifier"))
	case string(oidc.GrantTypeRefreshToken):
		if !c.OAuthEnabled() {
			writeOAuthError(w, oidc.ErrUnauthorizedClient())
			return
		}
		token := r.PostFormValue("refresh_token")
		if token == "" {
			writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("refresh_token is required"))
			return
		}
		result, err = p.pools.RefreshOAuthTokens(r.Context(), p.caller(r), c.ClientID, token)
	case string(oidc.GrantTypeClientCredentials):
		if !c.AllowsFlow(userpool.FlowClientCredentials) || !c.HasSecret() {
			writeOAuthError(w, oidc.ErrUnauthorizedClient())
			return
		}
		var metadata map[string]string
		if raw := r.PostFormValue("aws_client_metadata"); raw != "" && json.Unmarshal([]byte(raw), &metadata) != nil {
			writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("aws_client_metadata is not a JSON object of strings"))
			return
		}
		result, err = p.pools.ClientCredentialsToken(r.Context(), userpool.ClientCredentialsGrant{ClientID: c.ClientID,
			Scopes: strings.Fields(r.PostFormValue("scope")), ClientMetadata: metadata, Caller: p.caller(r)})
	case "":
		writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("grant_type is required"))
		return
	default:
		writeOAuthError(w, oidc.ErrUnsupportedGrantType())
		return
	}
	if err != nil {
		writeOAuthError(w, p.grantError(err))
		return
	}
	writeTokens(w, result)
}

// grantError is the token endpoint's answer for a grant the engine refused.
func (p *Provider) grantError(err error) *oidc.Error {
	if errors.Is(err, userpool.ErrCodeRefused) {
		return oidc.ErrInvalidGrant()
	}
	if errors.Is(err, userpool.ErrScopeRefused) {
		return oidc.ErrInvalidScope()
	}
	e, ok := awserr.As(err)
	switch {
	case ok && e.Code == awserr.InternalError, !ok:
		p.log.Error("token endpoint", "err", err)
		return oidc.ErrServerError()
	case e.Code == awserr.TooManyRequests:
		return oidc.ErrInvalidRequest().WithDescription("%s", e.Message)
	}
	return oidc.ErrInvalidGrant() // a refresh token revoked, expired or another client's; a user gone or disabled
}

func writeTokens(w http.ResponseWriter, result *userpool.AuthenticationResult) {
	writeOAuthJSON(w, http.StatusOK, oidc.AccessTokenResponse{AccessToken: result.AccessToken, IDToken: result.IdToken,
		RefreshToken: result.RefreshToken, TokenType: "Bearer", ExpiresIn: uint64(result.ExpiresIn)})
}

// writeOAuthError answers in OAuth's error shape; a failed client
// authentication is 401, as RFC 6749 §5.2 has it for HTTP Basic.
func writeOAuthError(w http.ResponseWriter, e *oidc.Error) {
	status := http.StatusBadRequest
	switch e.ErrorType {
	case oidc.InvalidClient:
		status = http.StatusUnauthorized
	case oidc.ServerError:
		status = http.StatusInternalServerError
	}
	writeOAuthJSON(w, status, e)
}

func writeOAuthJSON(w http.ResponseWriter, status int, body any) {
	encoded, err := json.Marshal(body)
	if err != nil {
		status, encoded = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(encoded) //nolint:errcheck // the client went away
}

// userInfo is GET or POST /oauth2/userInfo with a bearer access token.
func (p *Provider) userInfo(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	info, err := p.pools.UserInfo(r.Context(), strings.TrimSpace(token))
	switch {
	case errors.Is(err, userpool.ErrUserInfoRequest):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`)
		writeOAuthJSON(w, http.StatusBadRequest, oidc.ErrInvalidRequest().WithDescription("Bad OAuth2 request at UserInfo Endpoint"))
	case errors.Is(err, userpool.ErrUserInfoToken):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`)
		writeOAuthJSON(w, http.StatusUnauthorized, &oidc.Error{ErrorType: "invalid_token",
			Description: "Access token is expired, disabled, or deleted, or the user has globally signed out."})
	case err != nil:
		p.log.Error("userInfo", "err", err)
		writeOAuthJSON(w, http.StatusInternalServerError, oidc.ErrServerError())
	default:
		writeOAuthJSON(w, http.StatusOK, info)
	}
}

// revoke is POST /oauth2/revoke: RevokeToken for the authenticated client.
func (p *Provider) revoke(w http.ResponseWriter, r *http.Request) {
	c, secret, e := p.authenticatedClient(w, r)
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	token := r.PostFormValue("token")
	if token == "" {
		writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("token is required"))
		return
	}
	if !c.RevocationEnabled() {
		writeOAuthError(w, oidc.ErrInvalidRequest().WithDescription("Token revocation is not enabled for this client."))
		return
	}
	_, err := p.pools.RevokeToken(r.Context(), &userpool.RevokeTokenInput{Token: token, ClientId: c.ClientID, ClientSecret: secret})
	if err == nil {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return
	}
	ae, ok := awserr.As(err)
	switch {
	case ok && ae.Code == awserr.UnsupportedTokenType:
		writeOAuthError(w, &oidc.Error{ErrorType: "unsupported_token_type"})
	case ok && ae.Code == awserr.Unauthorized:
		writeOAuthError(w, oidc.ErrInvalidClient())
	default:
		p.log.Error("revoke", "err", err)
		writeOAuthError(w, oidc.ErrServerError())
	}
}

// logout is GET /logout: the browser's session ends (no token is
// revoked), then it goes to the client's sign-out URL, or back to the
// sign-in page for a new authorization request.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := p.pools.FindOAuthClient(r.Context(), q.Get("client_id"))
	if err != nil || !c.OAuthEnabled() || !servesPool(r.Context(), c.PoolID) {
		p.showError(w, http.StatusBadRequest, genericError)
		return
	}
	if target := q.Get("logout_uri"); target != "" {
		if !c.RegisteredLogout(target) {
			p.showError(w, http.StatusBadRequest, genericError+" The sign-out URL is not one the app client allows.")
			return
		}
		p.endSession(w, r, c.PoolID)
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	req, fail := p.checkAuthRequest(r.Context(), q)
	if fail != nil {
		p.fail(w, r, req, fail)
		return
	}
	p.endSession(w, r, c.PoolID)
	http.Redirect(w, r, req.pageURL("/login"), http.StatusFound)
}

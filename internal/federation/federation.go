// Package federation is the relying-party side of a user pool's outside
// identity providers: an OpenID Connect provider (discovery, the code
// grant, ID token verification by coreos/go-oidc) and a SAML 2.0 IdP
// (SP-initiated, signed assertions verified by crewjam/saml). It turns a
// provider's answer into a subject and the attributes it sent; making the pool's user from
// them is package userpool's (FederatedSignIn).
package federation

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/crewjam/saml"
	"golang.org/x/oauth2"

	"github.com/moat-dev/moat/internal/ttlcache"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Service talks to outside providers. Safe for concurrent use.
type Service struct {
	http *http.Client
	// providers caches each OIDC issuer's discovery (and so its keys).
	providers *ttlcache.Cache[string, *oidc.Provider]
}

// discoveryLife is how long an issuer's discovery document is trusted.
const discoveryLife = time.Hour

// New returns a Service making its requests with client (nil: a client
// with a 10-second timeout).
func New(client *http.Client) *Service {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Service{http: client, providers: ttlcache.New[string, *oidc.Provider](1000, 0)}
}

// ErrProvider is a provider's refusal or failure; its message says which
// step failed (for the client's error_description), never a secret.
type ErrProvider struct{ Step, Detail string }

func (e *ErrProvider) Error() string { return e.Step + ": " + e.Detail }

func providerError(step string, err error) error {
	return &ErrProvider{Step: step, Detail: err.Error()}
}

func (f *Service) oidcProvider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	now := time.Now()
	if p, ok := f.providers.Get(issuer, now); ok {
		return p, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, f.http), issuer)
	if err != nil {
		return nil, providerError("discovery", err)
	}
	f.providers.Put(issuer, p, now.Add(discoveryLife), now)
	return p, nil
}

// oauthConfig is the code grant towards an OIDC provider whose details
// are a pool's ProviderDetails; explicit URLs win over discovery.
func (f *Service) oauthConfig(ctx context.Context, details map[string]string, redirectURI string) (*oauth2.Config, *oidc.Provider, error) {
	p, err := f.oidcProvider(ctx, details["oidc_issuer"])
	if err != nil {
		return nil, nil, err
	}
	endpoint := p.Endpoint()
	if u := details["authorize_url"]; u != "" {
		endpoint.AuthURL = u
	}
	if u := details["token_url"]; u != "" {
		endpoint.TokenURL = u
	}
	return &oauth2.Config{ClientID: details["client_id"], ClientSecret: details["client_secret"], Endpoint: endpoint,
		RedirectURL: redirectURI, Scopes: strings.Fields(details["authorize_scopes"])}, p, nil
}

// OIDCAuthorizeURL is where the browser goes to sign in at the provider.
func (f *Service) OIDCAuthorizeURL(ctx context.Context, details map[string]string, redirectURI, state, nonce string) (string, error) {
	cfg, _, err := f.oauthConfig(ctx, details, redirectURI)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oidc.Nonce(nonce)), nil
}

// OIDCExchange redeems the provider's code, verifies its ID token (issuer,
// audience, signature, expiry, nonce) and returns the subject (the claim
// subjectClaim names, sub by default) and what the provider sent: the
// token endpoint's answer, the ID token's claims, and those of the
// userinfo endpoint when the details name one.
func (f *Service) OIDCExchange(ctx context.Context, details map[string]string, redirectURI, code, nonce, subjectClaim string) (string, signin.ProviderAttributes, error) {
	var sent signin.ProviderAttributes
	cfg, p, err := f.oauthConfig(ctx, details, redirectURI)
	if err != nil {
		return "", sent, err
	}
	ctx = oidc.ClientContext(ctx, f.http)
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		return "", sent, providerError("token", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", sent, &ErrProvider{Step: "token", Detail: "no id_token in the provider's answer"}
	}
	idToken, err := p.Verifier(&oidc.Config{ClientID: cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return "", sent, providerError("id_token", err)
	}
	if idToken.Nonce != nonce {
		return "", sent, &ErrProvider{Step: "id_token", Detail: "nonce mismatch"}
	}
	all := map[string]any{}
	if err := idToken.Claims(&all); err != nil {
		return "", sent, providerError("id_token", err)
	}
	sent.IDToken = stringClaims(all)
	sent.TokenResponse = tokenResponse(tok, raw)
	if p.UserInfoEndpoint() != "" {
		if info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			extra := map[string]any{}
			if info.Claims(&extra) == nil {
				sent.UserInfo = stringClaims(extra)
			}
		}
	}
	if subjectClaim == "" {
		subjectClaim = "sub"
	}
	return sent.Claims()[subjectClaim], sent, nil
}

// tokenResponse is the token endpoint's answer as strings.
func tokenResponse(tok *oauth2.Token, idToken string) map[string]string {
	out := map[string]string{"access_token": tok.AccessToken, "id_token": idToken, "token_type": tok.TokenType}
	if tok.RefreshToken != "" {
		out["refresh_token"] = tok.RefreshToken
	}
	if tok.ExpiresIn > 0 {
		out["expires_in"] = strconv.FormatInt(tok.ExpiresIn, 10)
	}
	if scope, ok := tok.Extra("scope").(string); ok {
		out["scope"] = scope
	}
	return out
}

// stringClaims writes claims as attribute values: strings as they are,
// anything else in its JSON form.
func stringClaims(all map[string]any) map[string]string {
	out := make(map[string]string, len(all))
	for k, v := range all {
		switch v := v.(type) {
		case string:
			out[k] = v
		case bool:
			out[k] = fmt.Sprint(v)
		case float64:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// SAMLProvider is a pool's SAML IdP as the service provider sees it.
type SAMLProvider struct {
	sp *saml.ServiceProvider
}

// SAML loads the IdP's metadata (MetadataFile, or fetched from
// MetadataURL) for a service provider whose entity id and assertion
// consumer URL are given.
func (f *Service) SAML(ctx context.Context, details map[string]string, entityID, acsURL string) (*SAMLProvider, error) {
	metadata := []byte(details["MetadataFile"])
	if u := details["MetadataURL"]; u != "" {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, providerError("metadata", err)
		}
		res, err := f.http.Do(req)
		if err != nil {
			return nil, providerError("metadata", err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, &ErrProvider{Step: "metadata", Detail: res.Status}
		}
		if metadata, err = io.ReadAll(io.LimitReader(res.Body, 1<<20)); err != nil {
			return nil, providerError("metadata", err)
		}
	}
	var md saml.EntityDescriptor
	if err := xml.Unmarshal(metadata, &md); err != nil {
		return nil, providerError("metadata", err)
	}
	acs, err := url.Parse(acsURL)
	if err != nil {
		return nil, providerError("metadata", err)
	}
	return &SAMLProvider{sp: &saml.ServiceProvider{EntityID: entityID, AcsURL: *acs, IDPMetadata: &md, HTTPClient: f.http}}, nil
}

// AuthnRequest is where the browser goes to sign in at the IdP; relay
// makes the RelayState from the request's id, which the response must
// answer.
func (s *SAMLProvider) AuthnRequest(relay func(requestID string) string) (string, error) {
	location := s.sp.GetSSOBindingLocation(saml.HTTPRedirectBinding)
	if location == "" {
		return "", &ErrProvider{Step: "metadata", Detail: "the IdP has no HTTP-Redirect single sign-on service"}
	}
	req, err := s.sp.MakeAuthenticationRequest(location, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", providerError("authn request", err)
	}
	u, err := req.Redirect(relay(req.ID), s.sp)
	if err != nil {
		return "", providerError("authn request", err)
	}
	return u.String(), nil
}

// Assertion verifies the IdP's response to requestID (signature, audience,
// destination, time window) and returns its NameID and attributes; an
// attribute with several values is written as they are joined by commas.
func (s *SAMLProvider) Assertion(r *http.Request, requestID string) (string, map[string]string, error) {
	a, err := s.sp.ParseResponse(r, []string{requestID})
	if err != nil {
		var invalid *saml.InvalidResponseError
		if errors.As(err, &invalid) {
			return "", nil, &ErrProvider{Step: "saml response", Detail: invalid.PrivateErr.Error()}
		}
		return "", nil, providerError("saml response", err)
	}
	if a.Subject == nil || a.Subject.NameID == nil || a.Subject.NameID.Value == "" {
		return "", nil, &ErrProvider{Step: "saml response", Detail: "the assertion names no subject"}
	}
	claims := map[string]string{}
	for _, st := range a.AttributeStatements {
		for _, attr := range st.Attributes {
			var values []string
			for _, v := range attr.Values {
				values = append(values, v.Value)
			}
			claims[attr.Name] = strings.Join(values, ",")
			if attr.FriendlyName != "" {
				claims[attr.FriendlyName] = claims[attr.Name]
			}
		}
	}
	return a.Subject.NameID.Value, claims, nil
}

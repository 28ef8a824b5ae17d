package userpool

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// OAuth scopes Cognito reserves; any other scope is a resource server's,
// written <identifier>/<scope>.
const (
	ScopeOpenID  = "openid"
	ScopeEmail   = "email"
	ScopePhone   = "phone"
	ScopeProfile = "profile"
	ScopeAdmin   = "aws.cognito.signin.user.admin"
)

var reservedScopes = []string{ScopeOpenID, ScopeEmail, ScopePhone, ScopeProfile, ScopeAdmin}

// The OAuth grants an app client may allow (AllowedOAuthFlows).
const (
	FlowCode              = "code"
	FlowImplicit          = "implicit"
	FlowClientCredentials = "client_credentials"
)

// IdentityProviderCognito is the pool's own directory in SupportedIdentityProviders.
const IdentityProviderCognito = "COGNITO"

// OAuthClient is an app client as the OAuth endpoints and hosted pages see
// it: its pool, the OAuth settings it allows, and a check of its secret.
type OAuthClient struct {
	PoolID   string
	ClientID string
	Name     string
	Config   ClientConfig
	secret   string
}

// FindOAuthClient resolves the client_id of an OAuth request.
func (s *Service) FindOAuthClient(ctx context.Context, clientID string) (*OAuthClient, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return &OAuthClient{PoolID: c.PoolID, ClientID: c.ID, Name: c.Name, Config: c.Config, secret: c.Secret}, nil
}

// HasSecret reports whether the client is confidential.
func (c *OAuthClient) HasSecret() bool { return c.secret != "" }

// SecretMatches compares a presented client secret in constant time.
func (c *OAuthClient) SecretMatches(secret string) bool {
	return c.secret != "" && subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) == 1
}

// SecretHash is the SECRET_HASH the client would send for username, for
// the hosted pages, which act as the client; "" for a public client.
func (c *OAuthClient) SecretHash(username string) string {
	if c.secret == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString(secretHash(c.secret, username, c.ClientID))
}

// OAuthEnabled reports whether the client takes part in OAuth at all: an
// SDK-made client whose AllowedOAuthFlowsUserPoolClient is false has none.
func (c *OAuthClient) OAuthEnabled() bool { return c.Config.AllowedOAuthFlowsUserPoolClient }

// AllowsFlow reports whether the client may use an OAuth grant.
func (c *OAuthClient) AllowsFlow(flow string) bool {
	return c.OAuthEnabled() && slices.Contains(c.Config.AllowedOAuthFlows, flow)
}

// RegisteredCallback reports whether uri is one of the client's callback
// URLs, compared exactly as Cognito does.
func (c *OAuthClient) RegisteredCallback(uri string) bool {
	return uri != "" && slices.Contains(c.Config.CallbackURLs, uri)
}

// RegisteredLogout reports whether uri is one of the client's sign-out URLs.
func (c *OAuthClient) RegisteredLogout(uri string) bool {
	return uri != "" && slices.Contains(c.Config.LogoutURLs, uri)
}

// SupportsProvider reports whether the client signs users in through the
// named identity provider (COGNITO: the pool's own users).
func (c *OAuthClient) SupportsProvider(name string) bool {
	return slices.Contains(c.Config.SupportedIdentityProviders, name)
}

// RevocationEnabled is EnableTokenRevocation (true unless turned off).
func (c *OAuthClient) RevocationEnabled() bool {
	return c.Config.EnableTokenRevocation == nil || *c.Config.EnableTokenRevocation
}

// GrantScopes is the scopes an authorization request gets: the requested
// ones the client allows (Cognito ignores the others), or every allowed one
// when none is asked for. ok is false when the request names a scope that
// is not a well-formed scope at all.
func (c *OAuthClient) GrantScopes(requested []string) (granted []string, ok bool) {
	if len(requested) == 0 {
		return slices.Clone(c.Config.AllowedOAuthScopes), true
	}
	for _, sc := range requested {
		if !scopePattern(sc) {
			return nil, false
		}
		if slices.Contains(c.Config.AllowedOAuthScopes, sc) && !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	// An ID token's attribute scopes need openid; without it they mean nothing.
	if !slices.Contains(granted, ScopeOpenID) {
		granted = slices.DeleteFunc(granted, func(sc string) bool {
			return sc == ScopeEmail || sc == ScopePhone || sc == ScopeProfile
		})
	}
	return granted, true
}

// scopePattern is a scope token as RFC 6749 §3.3 allows it.
func scopePattern(sc string) bool {
	if sc == "" || len(sc) > 256 {
		return false
	}
	for _, r := range sc {
		if r < 0x21 || r == 0x22 || r == 0x5c || r > 0x7e {
			return false
		}
	}
	return true
}

// checkOAuthSettings applies Cognito's rules to a client's OAuth settings;
// hasSecret says whether the client has (or is getting) a secret.
func (s *Service) checkOAuthSettings(ctx context.Context, p *pool, cfg ClientConfig, hasSecret bool) error {
	var defined []string
	if slices.ContainsFunc(cfg.AllowedOAuthScopes, isCustomScope) {
		var err error
		if defined, err = s.customScopes(ctx, p.ID); err != nil {
			return err
		}
	}
	providerExists := func(name string) bool {
		_, err := s.store.GetIdentityProvider(ctx, p.ID, name)
		return err == nil
	}
	return oauthSettingsError(p.ID, cfg, hasSecret, func(sc string) bool { return slices.Contains(defined, sc) }, providerExists)
}

// oauthSettingsError is checkOAuthSettings' rules; customScope reports
// whether a resource server of the pool defines a scope, providerExists
// whether the pool has an identity provider of that name.
func oauthSettingsError(poolID string, cfg ClientConfig, hasSecret bool, customScope, providerExists func(string) bool) error {
	for _, f := range cfg.AllowedOAuthFlows {
		if f != FlowCode && f != FlowImplicit && f != FlowClientCredentials {
			return invalidParameter("1 validation error detected: Value '[%s]' at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]",
				strings.Join(cfg.AllowedOAuthFlows, ", "))
		}
	}
	if slices.Contains(cfg.AllowedOAuthFlows, FlowClientCredentials) {
		if len(cfg.AllowedOAuthFlows) > 1 {
			return awserr.New(awserr.InvalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
		}
		if !hasSecret {
			return awserr.New(awserr.InvalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
		}
	}
	if len(cfg.AllowedOAuthScopes) > 50 {
		return invalidParameter("1 validation error detected: Value at 'allowedOAuthScopes' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for _, sc := range cfg.AllowedOAuthScopes {
		if slices.Contains(reservedScopes, sc) {
			if slices.Contains(cfg.AllowedOAuthFlows, FlowClientCredentials) {
				return awserr.New(awserr.InvalidOAuthFlow, "client_credentials flow can only be used with custom scopes.")
			}
			continue
		}
		if !strings.Contains(sc, "/") || customScope == nil || !customScope(sc) {
			return awserr.Newf(awserr.ScopeDoesNotExist, "Invalid scope requested: %s", sc)
		}
	}
	if cfg.AllowedOAuthFlowsUserPoolClient {
		if len(cfg.AllowedOAuthFlows) == 0 {
			return awserr.New(awserr.InvalidOAuthFlow, "AllowedOAuthFlows are required when AllowedOAuthFlowsUserPoolClient is true.")
		}
		if len(cfg.AllowedOAuthScopes) == 0 {
			return awserr.New(awserr.InvalidOAuthFlow, "AllowedOAuthScopes are required when AllowedOAuthFlowsUserPoolClient is true.")
		}
		if !slices.Contains(cfg.AllowedOAuthFlows, FlowClientCredentials) && len(cfg.CallbackURLs) == 0 {
			return invalidParameter("CallbackURLs are required for the code and implicit flows.")
		}
	}
	for _, list := range []struct {
		member string
		urls   []string
	}{{"callbackURLs", cfg.CallbackURLs}, {"logoutURLs", cfg.LogoutURLs}} {
		if len(list.urls) > 100 {
			return invalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 100", list.member)
		}
		for _, u := range list.urls {
			if err := checkRedirectURL(u); err != nil {
				return err
			}
		}
	}
	for _, name := range cfg.SupportedIdentityProviders {
		if name != IdentityProviderCognito && (providerExists == nil || !providerExists(name)) {
			return invalidParameter("The provider %s does not exist for User Pool %s", name, poolID)
		}
	}
	if cfg.DefaultRedirectURI != "" && !slices.Contains(cfg.CallbackURLs, cfg.DefaultRedirectURI) {
		return invalidParameter("DefaultRedirectURI must be one of the CallbackURLs.")
	}
	return nil
}

// checkRedirectURL is Cognito's rule for callback and sign-out URLs:
// absolute, no fragment, HTTPS except on the loopback host (any port); an
// app's own scheme (myapp://) is allowed.
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > 1024 || u.Scheme == "" || !u.IsAbs():
		return invalidParameter("Invalid URL %q: a callback or sign-out URL must be an absolute URL.", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return invalidParameter("Invalid URL %q: a callback or sign-out URL cannot contain a fragment.", raw)
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		return invalidParameter("Invalid URL %q: HTTPS is required over HTTP except for http://localhost, http://127.0.0.1 and http://[::1].", raw)
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return invalidParameter("Invalid URL %q: the URL has no host.", raw)
	}
	return nil
}

func loopbackHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// AllowsUserAuth reports whether the client may sign users in with
// USER_AUTH, whose choice of first factors the hosted pages then offer.
func (c *OAuthClient) AllowsUserAuth() bool {
	return (&client{Config: c.Config}).allowsFlow("ALLOW_USER_AUTH")
}

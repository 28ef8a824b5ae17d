package identitypool

import (
	"context"
	"errors"
	"sort"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
)

const (
	maxLogins           = 10
	maxLoginTokenLength = 50000
)

// login is one verified entry of a Logins map.
type login struct {
	provider string // the name the identity keeps the login under
	subject  string
	amr      []string       // what the login adds to amr after "authenticated"
	clientID string         // the token's aud
	claims   map[string]any // for role rules and principal tags
	// mappingKeys are the RoleMappings and principal-tag keys that apply,
	// most specific first.
	mappingKeys []string
	// ownToken marks an identity-pool OpenID token (key cognitoIdentityKey):
	// it names its identity rather than a login to link.
	ownToken *openIDClaims
}

// verifyLogins checks every entry of a Logins map against the pool and
// returns them ordered by key, so every choice made from them is stable.
func (s *Service) verifyLogins(ctx context.Context, pool *IdentityPool, logins map[string]string) ([]login, error) {
	if len(logins) > maxLogins {
		return nil, constraintViolated("Value at 'logins' failed to satisfy constraint: Member must have length less than or equal to %d", maxLogins)
	}
	if err := checkMapEntries("logins", logins, 128, maxLoginTokenLength); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(logins))
	for k := range logins {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]login, 0, len(keys))
	for _, key := range keys {
		l, err := s.verifyLogin(ctx, pool, key, logins[key])
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (s *Service) verifyLogin(ctx context.Context, pool *IdentityPool, key, token string) (login, error) {
	if key == cognitoIdentityKey {
		c, err := s.openID.verify(token, s.now())
		if err != nil {
			return login{}, err
		}
		if c.Audience != pool.IdentityPoolId {
			return login{}, errUnsupported
		}
		return login{provider: key, subject: c.Subject, ownToken: c}, nil
	}
	if userPoolID, ok := s.userPoolOf(key); ok {
		return s.verifyUserPoolLogin(ctx, pool, userPoolID, token)
	}
	if appIDs, ok := pool.SupportedLoginProviders[key]; ok {
		return s.verifyOutsideLogin(ctx, key, appIDs, token)
	}
	return login{}, errUnsupported
}

// verifyUserPoolLogin checks an ID token of one of moat's user pools: signed
// by the pool the key names, for an app client the identity pool accepts,
// and (ServerSideTokenCheck) from a session still live.
func (s *Service) verifyUserPoolLogin(ctx context.Context, pool *IdentityPool, userPoolID, token string) (login, error) {
	c, err := s.tokens.Verify(ctx, token)
	switch {
	case errors.Is(err, tokens.ErrExpired):
		return login{}, errTokenExpired
	case errors.Is(err, tokens.ErrInvalid):
		return login{}, errTokenInvalid
	case err != nil:
		return login{}, storeErr(err, nil)
	case c.TokenUse != tokens.UseID:
		return login{}, errMissingAud
	case c.PoolID != userPoolID:
		return login{}, errIssuerMismatch
	}
	var provider *Provider
	for i, cp := range pool.CognitoIdentityProviders {
		if id, _ := s.userPoolOf(cp.ProviderName); id == userPoolID && cp.ClientId == c.ClientID {
			provider = &pool.CognitoIdentityProviders[i]
			break
		}
	}
	if provider == nil {
		return login{}, errUnsupported
	}
	if provider.ServerSideTokenCheck != nil && *provider.ServerSideTokenCheck {
		session, err := s.store.GetRefreshTokenByOriginJTI(ctx, userPoolID, c.OriginJTI)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return login{}, storeErr(err, nil)
		}
		if err != nil || session.RevokedBy(s.clock()) {
			return login{}, errTokenRevoked
		}
	}
	key := s.providerKey(userPoolID)
	l := login{
		provider: key, subject: c.Subject, clientID: c.ClientID, claims: c.Raw,
		amr: []string{key, key + ":CognitoSignIn:" + c.Subject},
	}
	names := s.providerNames(pool, userPoolID)
	for _, name := range names {
		l.mappingKeys = append(l.mappingKeys, name+":"+c.ClientID)
	}
	l.mappingKeys = append(l.mappingKeys, names...)
	return l, nil
}

package identitypool

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/oidcjwt"
)

// ExternalService is Cognito Identity's error for a provider it could not reach.
const ExternalService = "ExternalServiceException"

var errWrongAudience = awserr.New(awserr.NotAuthorized, "Invalid login token. Incorrect token audience.")

// outsideIssuers keeps the keys of the outside OpenID Connect providers that
// pools' SupportedLoginProviders name, one set per issuer. Issuers come from
// pool configuration, never from tokens, so the map stays small.
type outsideIssuers struct {
	client *http.Client
	logger *slog.Logger

	mu   sync.Mutex
	keys map[string]*oidcjwt.Keys
}

func newOutsideIssuers() *outsideIssuers {
	return &outsideIssuers{client: &http.Client{Timeout: oidcjwt.FetchTimeout}, logger: slog.Default(), keys: map[string]*oidcjwt.Keys{}}
}

func (o *outsideIssuers) keysOf(issuer string) *oidcjwt.Keys {
	o.mu.Lock()
	defer o.mu.Unlock()
	k, ok := o.keys[issuer]
	if !ok {
		k = oidcjwt.NewKeys(issuer, "", o.client, o.logger, nil)
		o.keys[issuer] = k
	}
	return k
}

// issuerOf is the issuer a SupportedLoginProviders key names: the key itself
// when it is a URL, else https:// and the key (a host, as AWS takes an
// OIDC provider's issuer without its scheme).
func issuerOf(key string) string {
	if strings.Contains(key, "://") {
		return key
	}
	return "https://" + key
}

// verifyOutsideLogin checks an ID token of an outside OIDC provider: its iss
// is the provider's issuer, its signature verifies with the issuer's
// published keys, it has not expired, and its aud is one of the app IDs the
// pool configured for the provider (comma-separated, as for Google).
func (s *Service) verifyOutsideLogin(ctx context.Context, key, appIDs, token string) (login, error) {
	jws, err := jose.ParseSignedCompact(token, oidcjwt.AllowedAlgorithms)
	if err != nil {
		return login{}, errTokenInvalid
	}
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &unverified) != nil {
		return login{}, errTokenInvalid
	}
	issuer := issuerOf(key)
	if unverified.Issuer != issuer {
		return login{}, errIssuerMismatch
	}
	payload, err := s.outside.keysOf(issuer).Verify(ctx, jws)
	switch {
	case errors.Is(err, oidcjwt.ErrNoKeys):
		return login{}, awserr.Newf(ExternalService, "Could not fetch the signing keys of %s.", issuer)
	case err != nil:
		return login{}, errTokenInvalid
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return login{}, errTokenInvalid
	}
	exp, ok := claims["exp"].(float64)
	switch {
	case !ok:
		return login{}, errTokenInvalid
	case float64(s.now().Unix()) >= exp:
		return login{}, errTokenExpired
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return login{}, errTokenInvalid
	}
	audience := claimValues(claims, "aud")
	for _, app := range strings.Split(appIDs, ",") {
		if app = strings.TrimSpace(app); app != "" && contains(audience, app) {
			return login{provider: key, subject: sub, clientID: app, claims: claims, amr: []string{key}, mappingKeys: []string{key}}, nil
		}
	}
	return login{}, errWrongAudience
}

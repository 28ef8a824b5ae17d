// Package authorizer holds the gateway's token authorizers: JWT (HTTP API
// semantics, any number of OIDC issuers) and COGNITO_USER_POOLS (REST
// semantics, moat's own pools verified in-process). Both remember verified
// tokens so a busy route pays one signature check per token, not per request;
// route scopes are checked on every request, since routes differ.
package authorizer

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
)

// Deps are what authorizers need from the rest of moat.
type Deps struct {
	Tokens *tokens.Service // moat's own pools, verified in-process
	// Store is where the user-pool authorizer looks up whether a token's
	// sign-in session was revoked.
	Store      store.SessionLookup
	Region     string
	HTTPClient *http.Client // for JWKS and discovery fetches; nil: one with sane timeouts
	Logger     *slog.Logger // nil: slog.Default()

	// AWS_IAM: Sessions opens temporary credentials (*tempcreds.Issuer),
	// RolePolicies reads their roles' policies, Revocations (nil: none)
	// says whether an identity's credentials were revoked. Admin, when set,
	// is accepted as the account's root user; Account names ARNs
	// (default 000000000000).
	Sessions     SessionOpener
	RolePolicies RolePolicies
	Revocations  Revocations
	Admin        admin.Credentials
	Account      string
}

// New builds the authorizer an API's AuthorizerConfig describes.
func New(cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
	source, err := parseIdentitySource(cfg.IdentitySource)
	if err != nil {
		return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
	}
	if err := validateClaimHeaders(cfg.ClaimHeaders); err != nil {
		return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
	}
	build, ok := types[cfg.Type]
	if !ok {
		return nil, fmt.Errorf("authorizer %q: unsupported type %q (want %s)", cfg.Name, cfg.Type, strings.Join(gateway.AuthorizerTypes(), ", "))
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	a, err := build(cfg, source, deps)
	if err != nil {
		return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
	}
	return a, nil
}

// types builds each type gateway.AuthorizerTypes names from its settings.
var types = map[string]func(gateway.AuthorizerConfig, identitySource, Deps) (gateway.Authorizer, error){
	gateway.JWTAuthorizer: func(cfg gateway.AuthorizerConfig, source identitySource, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.JWT()
		if err != nil {
			return nil, err
		}
		if deps.HTTPClient == nil {
			deps.HTTPClient = &http.Client{Timeout: fetchTimeout}
		}
		return newJWT(s, source, deps)
	},
	gateway.UserPoolsAuthorizer: func(cfg gateway.AuthorizerConfig, source identitySource, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.UserPoolsSettings()
		if err != nil {
			return nil, err
		}
		return newUserPool(s, source, deps)
	},
	gateway.IAMAuthorizer: func(cfg gateway.AuthorizerConfig, _ identitySource, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.IAM()
		if err != nil {
			return nil, err
		}
		return newIAM(s, deps)
	},
}

// fetchTimeout bounds one discovery or JWKS request of the default client.
const fetchTimeout = 5 * time.Second

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
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	switch cfg.Type {
	case "JWT":
		if deps.HTTPClient == nil {
			deps.HTTPClient = &http.Client{Timeout: fetchTimeout}
		}
		a, err := newJWT(cfg, source, deps)
		if err != nil {
			return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
		}
		return a, nil
	case "COGNITO_USER_POOLS":
		a, err := newUserPool(cfg, source, deps)
		if err != nil {
			return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
		}
		return a, nil
	case "AWS_IAM":
		a, err := newIAM(cfg, deps)
		if err != nil {
			return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
		}
		return a, nil
	default:
		return nil, fmt.Errorf("authorizer %q: unsupported type %q (want JWT, COGNITO_USER_POOLS or AWS_IAM)", cfg.Name, cfg.Type)
	}
}

// fetchTimeout bounds one discovery or JWKS request of the default client.
const fetchTimeout = 5 * time.Second

// Package authorizer holds the gateway's authorizers: JWT (HTTP API
// semantics, any number of OIDC issuers), COGNITO_USER_POOLS (REST
// semantics, moat's own pools verified in-process), AWS_IAM (SigV4), and
// Lambda authorizers (TOKEN, REQUEST), whose functions decide. Token
// authorizers remember verified tokens so a busy route pays one signature
// check per token, not per request; route scopes are checked on every
// request, since routes differ. Lambda authorizers cache their functions'
// answers by identity sources, and evaluate the cached policy per request.
package authorizer

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

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

	// TOKEN and REQUEST: Functions runs the authorizers' functions (nil:
	// this moat runs none, and such authorizers are refused); Redis, when
	// set, shares their cached answers across replicas; Metrics counts
	// their cache hits, invocations and errors (nil: not exported).
	Functions gateway.FunctionInvoker
	Redis     *redis.Client
	Metrics   *Metrics
}

// New builds the authorizer of api that cfg describes.
func New(api *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
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
	a, err := build(api, cfg, deps)
	if err != nil {
		return nil, fmt.Errorf("authorizer %q: %w", cfg.Name, err)
	}
	return a, nil
}

// types builds each type gateway.AuthorizerTypes names from its settings.
var types = map[string]func(*gateway.API, gateway.AuthorizerConfig, Deps) (gateway.Authorizer, error){
	gateway.JWTAuthorizer: func(_ *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.JWT()
		if err != nil {
			return nil, err
		}
		source, err := parseIdentitySource(cfg.IdentitySource)
		if err != nil {
			return nil, err
		}
		if deps.HTTPClient == nil {
			deps.HTTPClient = &http.Client{Timeout: fetchTimeout}
		}
		return newJWT(s, source, deps)
	},
	gateway.UserPoolsAuthorizer: func(_ *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.UserPoolsSettings()
		if err != nil {
			return nil, err
		}
		source, err := parseIdentitySource(cfg.IdentitySource)
		if err != nil {
			return nil, err
		}
		return newUserPool(s, source, deps)
	},
	gateway.IAMAuthorizer: func(_ *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
		s, err := cfg.IAM()
		if err != nil {
			return nil, err
		}
		return newIAM(s, deps)
	},
	gateway.TokenAuthorizer:   newLambdaAuthorizer,
	gateway.RequestAuthorizer: newLambdaAuthorizer,
}

func newLambdaAuthorizer(api *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (gateway.Authorizer, error) {
	return newLambda(api, cfg, deps)
}

// fetchTimeout bounds one discovery or JWKS request of the default client.
const fetchTimeout = 5 * time.Second

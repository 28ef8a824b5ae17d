package gateway

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/usage"
)

// Config is what a gateway serves and how it builds each route's parts.
// The builders come from the caller so this package does not depend on its
// implementations (authorizer/, integration/), which depend on it.
type Config struct {
	APIs []API
	// NewAuthorizer builds an authorizer an API declares; nil when no API has one.
	NewAuthorizer func(api *API, cfg AuthorizerConfig) (Authorizer, error)
	// NewIntegration builds a route's integration.
	NewIntegration func(api *API, route *Route) (Integration, error)
	// Usage checks API keys, usage plans and throttles; it must be set when
	// any route requires an API key or any stage or route has a throttle.
	Usage *usage.Service
	// Region and Account name execute-api ARNs; Account defaults to 000000000000.
	Region  string
	Account string
	Logger  *slog.Logger
	// Registerer receives the gateway's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Gateway is the http.Handler serving every configured API.
type Gateway struct {
	mounts  []*boundAPI // in selection order: host-bound first, longer base paths first
	region  string
	account string
	log     *slog.Logger
	metrics *metrics
}

// New validates the APIs and compiles them: routes into tries, templates,
// authorizers and integrations, so a request only looks things up.
func New(cfg Config) (*Gateway, error) {
	if err := Validate(cfg.APIs); err != nil {
		return nil, err
	}
	if cfg.Usage == nil && needsUsage(cfg.APIs) {
		return nil, errors.New("gateway: API keys and throttles need a usage-plan service")
	}
	if cfg.NewIntegration == nil {
		return nil, errors.New("gateway: no integration builder")
	}
	g := &Gateway{region: cfg.Region, account: cmp.Or(cfg.Account, defaultAccount), log: cfg.Logger}
	if g.log == nil {
		g.log = slog.Default()
	}
	g.log = g.log.With("logger", "gateway")
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	g.metrics = m
	for i := range cfg.APIs {
		api := cfg.APIs[i] // a copy the gateway owns
		b, err := bindAPI(&api, cfg, m)
		if err != nil {
			return nil, fmt.Errorf("api %q: %w", api.Name, err)
		}
		g.mounts = append(g.mounts, b)
	}
	slices.SortStableFunc(g.mounts, func(a, b *boundAPI) int {
		if (len(a.api.Hosts) > 0) != (len(b.api.Hosts) > 0) {
			if len(a.api.Hosts) > 0 {
				return -1
			}
			return 1
		}
		return len(b.basePath) - len(a.basePath)
	})
	return g, nil
}

var _ http.Handler = (*Gateway)(nil)

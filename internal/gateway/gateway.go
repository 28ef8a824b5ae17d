package gateway

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/fanout"
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
	// AccessLog receives the access-log line of every request, a JSON line
	// as Logger's JSON handler would write the info record; nil: the
	// record goes to Logger. moat gives it an accesslog.Writer, so no
	// request waits on the log's destination.
	AccessLog io.Writer
	// Registerer receives the gateway's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Pipeline is the stages between routing and the integration, in
	// order; nil: DefaultPipeline. A WAF is one more stage, first.
	Pipeline []PipelineStage
}

// Gateway is the http.Handler serving every configured API.
type Gateway struct {
	cfg     Config // the builders and services every compilation uses
	account string
	log     *slog.Logger
	metrics *metrics
	// apis is what is served now; Reload swaps it whole, so a request runs
	// from start to end on the APIs it began with.
	apis atomic.Pointer[compiledAPIs]
	tail fanout.Hub[AccessRecord] // the console's live view of finished requests, by API
}

// compiledAPIs is one configuration's APIs, compiled.
type compiledAPIs struct {
	mounts []*boundAPI // in selection order: host-bound first, longer base paths first
}

// New validates the APIs and compiles them: routes into tries, templates,
// authorizers and integrations, so a request only looks things up.
func New(cfg Config) (*Gateway, error) {
	if cfg.NewIntegration == nil {
		return nil, errors.New("gateway: no integration builder")
	}
	if cfg.Pipeline == nil {
		cfg.Pipeline = DefaultPipeline()
	}
	g := &Gateway{cfg: cfg, account: cmp.Or(cfg.Account, defaultAccount), log: cfg.Logger}
	if g.log == nil {
		g.log = slog.Default()
	}
	g.log = g.log.With("logger", "gateway")
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	g.metrics = m
	if err := g.Reload(cfg.APIs); err != nil {
		return nil, err
	}
	g.cfg.APIs = nil // what is served is g.apis
	return g, nil
}

// Reload compiles apis with the gateway's builders and, when they are
// valid, serves them from the next request on: requests in flight finish
// on the APIs they started with, and none is dropped. On error the APIs
// served stay as they were.
func (g *Gateway) Reload(apis []API) error {
	c, err := g.compile(apis)
	if err != nil {
		return err
	}
	g.apis.Store(c)
	return nil
}

func (g *Gateway) compile(apis []API) (*compiledAPIs, error) {
	if err := Validate(apis); err != nil {
		return nil, err
	}
	if g.cfg.Usage == nil && needsUsage(apis) {
		return nil, errors.New("gateway: API keys and throttles need a usage-plan service")
	}
	c := &compiledAPIs{}
	for i := range apis {
		api := apis[i] // a copy the gateway owns
		b, err := bindAPI(&api, g.cfg, g.metrics)
		if err != nil {
			return nil, fmt.Errorf("api %q: %w", api.Name, err)
		}
		c.mounts = append(c.mounts, b)
	}
	slices.SortStableFunc(c.mounts, func(a, b *boundAPI) int {
		if (len(a.api.Hosts) > 0) != (len(b.api.Hosts) > 0) {
			if len(a.api.Hosts) > 0 {
				return -1
			}
			return 1
		}
		return len(b.basePath) - len(a.basePath)
	})
	return c, nil
}

var _ http.Handler = (*Gateway)(nil)

// APIs are the definitions served now, for the console to show.
func (g *Gateway) APIs() []API {
	var apis []API
	for _, b := range g.apis.Load().mounts {
		apis = append(apis, *b.api)
	}
	slices.SortFunc(apis, func(a, b API) int { return cmp.Compare(a.Name, b.Name) })
	return apis
}

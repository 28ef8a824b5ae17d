package gateway

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// routeUsage is what a route asks of usage plans: nil when the route needs
// neither an API key nor a throttle, so open routes pay nothing.
type routeUsage struct {
	service      *usage.Service
	keyRequired  bool
	fromHeader   bool            // API key from X-API-Key, else from the authorizer
	throttle     *store.Throttle // the route's own; nil: the stage's default
	resourcePath string          // /pets/{id}, as plans key method throttles
	method       string          // the route's method, ANY included
}

func newRouteUsage(api *API, r *Route, svc *usage.Service) *routeUsage {
	if !r.APIKeyRequired && r.Throttle == nil && !anyStageThrottle(api) {
		return nil
	}
	u := &routeUsage{service: svc, keyRequired: r.APIKeyRequired, fromHeader: api.APIKeySource != "AUTHORIZER",
		throttle: storeThrottle(r.Throttle), resourcePath: r.Path, method: r.Method}
	if u.method == "" {
		u.method = "ANY"
	}
	return u
}

func anyStageThrottle(api *API) bool {
	for _, s := range api.Stages {
		if s.Throttle != nil {
			return true
		}
	}
	return false
}

func storeThrottle(t *Throttle) *store.Throttle {
	if t == nil {
		return nil
	}
	return &store.Throttle{RateLimit: t.RateLimit, BurstLimit: t.BurstLimit}
}

// checkUsage is the usage-plan stage: API key, plan and stage throttles,
// quota. It runs after authorize, which may have chosen the key.
func checkUsage(x *exchange) error {
	u := x.route.usage
	if u == nil {
		return nil
	}
	req := usage.Request{APIID: x.api.api.ID, Stage: x.req.Stage.Name, Method: u.method,
		ResourcePath: u.resourcePath, KeyRequired: u.keyRequired, StageThrottle: u.throttle}
	if req.StageThrottle == nil {
		req.StageThrottle = storeThrottle(x.req.Stage.Throttle)
	}
	switch {
	case u.fromHeader:
		req.APIKey = x.req.HTTP.Header.Get("X-Api-Key")
	case x.req.Identity != nil:
		req.APIKey = x.req.Identity.UsageIdentifierKey
	}
	res, err := u.service.Check(x.req.HTTP.Context(), req)
	x.apiKeyID, x.usagePlanID = res.KeyID, res.PlanID
	var refusal *usage.Error
	if errors.As(err, &refusal) {
		x.apiKeyID, x.usagePlanID = refusal.KeyID, refusal.PlanID
		return usageError(refusal)
	}
	return err
}

var usageResponseTypes = map[usage.Kind]ResponseType{
	usage.InvalidAPIKey: InvalidAPIKey,
	usage.Throttled:     Throttled,
	usage.QuotaExceeded: QuotaExceeded,
}

// usageError is a refusal as the gateway answers it, with Retry-After in
// whole seconds (rounded up, so a client that waits is admitted).
func usageError(e *usage.Error) *Error {
	out := &Error{Type: usageResponseTypes[e.Kind], Message: e.Message}
	if e.RetryAfter > 0 {
		secs := int64(math.Ceil(e.RetryAfter.Seconds()))
		out.Headers = http.Header{"Retry-After": {strconv.FormatInt(max(secs, 1), 10)}}
	}
	return out
}

func needsUsage(apis []API) bool {
	for i := range apis {
		if anyStageThrottle(&apis[i]) {
			return true
		}
		for _, r := range apis[i].Routes {
			if r.APIKeyRequired || r.Throttle != nil {
				return true
			}
		}
	}
	return false
}

// checkThrottle refuses limits that are not numbers a bucket can hold.
func checkThrottle(t *Throttle) error {
	switch {
	case t == nil:
		return nil
	case math.IsNaN(t.RateLimit) || math.IsInf(t.RateLimit, 0) || t.RateLimit < 0:
		return errors.New("rateLimit must be a number ≥ 0")
	case t.BurstLimit < 0:
		return errors.New("burstLimit must be ≥ 0")
	}
	return nil
}

// HasStage says whether the gateway serves stage of the API with this ID;
// usage plans may only cover stages that exist.
func (g *Gateway) HasStage(apiID, stage string) bool {
	for _, b := range g.apis.Load().mounts {
		if b.api.ID != apiID {
			continue
		}
		if _, ok := b.stages[stage]; ok || (stage == "$default" && b.root != nil) {
			return true
		}
	}
	return false
}

// APIID is the ID of the API named name, for configuration that names APIs.
func (g *Gateway) APIID(name string) (string, bool) {
	for _, b := range g.apis.Load().mounts {
		if b.api.Name == name {
			return b.api.ID, true
		}
	}
	return "", false
}

package console

import (
	"net/http"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/waf"
)

func (c *Console) apisPage(w http.ResponseWriter, r *http.Request, rq *request) {
	c.show(w, r, rq, "apis", &view{Title: "APIs", Section: "apis", Data: c.cfg.Gateway.APIs()})
}

// servedAPI is the API of that name the gateway serves now.
func (c *Console) servedAPI(name string) (gateway.API, bool) {
	for _, api := range c.cfg.Gateway.APIs() {
		if api.Name == name {
			return api, true
		}
	}
	return gateway.API{}, false
}

type apiData struct {
	API    gateway.API
	Policy string
	Routes []routeRow
	// WebACLs name the web ACL each stage is associated with.
	WebACLs map[string]string
}

func (c *Console) apiPage(w http.ResponseWriter, r *http.Request, rq *request) {
	api, ok := c.servedAPI(r.PathValue("api"))
	if !ok {
		c.notFound(w, r, rq, badInput("No API named %q is served.", r.PathValue("api")))
		return
	}
	d := apiData{API: api, WebACLs: map[string]string{}}
	d.Policy = string(api.ResourcePolicy)
	stats := map[string]*routeStats{}
	if c.cfg.Metrics != nil {
		families, err := c.cfg.Metrics.Gather()
		if err != nil {
			c.log.Warn("console: reading metrics", "err", err)
		}
		stats = routeStatsOf(families, api.Name)
	}
	for i := range api.Routes {
		key := api.Routes[i].Key()
		d.Routes = append(d.Routes, routeRow{Route: api.Routes[i], Key: key, Stats: stats[key]})
	}
	if c.cfg.WAF != nil {
		for _, stage := range stageNames(api) {
			arn := waf.StageARN(c.cfg.UserPools.Region(), api.ID, stage)
			if acl, ok, err := c.cfg.WAF.WebACLForResource(r.Context(), arn); err == nil && ok {
				d.WebACLs[stage] = acl.Name
			}
		}
	}
	c.show(w, r, rq, "api", &view{Title: api.Name, Section: "apis", Data: &d})
}

// routeRow is a route with its traffic (nil before its first request).
type routeRow struct {
	gateway.Route
	Key   string
	Stats *routeStats
}

func stageNames(api gateway.API) []string {
	if len(api.Stages) == 0 {
		return []string{"$default"}
	}
	var names []string
	for _, s := range api.Stages {
		names = append(names, s.Name)
	}
	return names
}

// tail streams the API's finished requests, one JSON AccessRecord each.
func (c *Console) tail(w http.ResponseWriter, r *http.Request, rq *request) {
	api, ok := c.servedAPI(r.PathValue("api"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	stream(c, w, r, rq, api.Name, "request", func(ch chan<- gateway.AccessRecord) func() { return c.cfg.Gateway.Watch(api.Name, ch) })
}

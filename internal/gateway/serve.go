package gateway

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// exchange is one request on its way through the gateway.
type exchange struct {
	req                Request
	w                  *recorder
	api                *boundAPI // nil: no API serves the path
	route              *boundRoute
	body               *body // nil: the request has none
	start              time.Time
	integrationLatency time.Duration
	// apiKeyID and usagePlanID name the caller's usage plan for the access log.
	apiKeyID, usagePlanID string
	// errorType and reason are what the request was refused or failed for.
	errorType, reason string
}

// ServeHTTP selects the API, stage and route, runs the pipeline, and answers
// failures as API Gateway does; every request is access-logged and counted.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{start: time.Now(), w: &recorder{ResponseWriter: w}}
	x.req.HTTP, x.req.x, x.req.Received = r, x, x.start
	x.req.RequestID = newRequestID()
	w.Header().Set("X-Amzn-Requestid", x.req.RequestID)
	if err := g.serve(x); err != nil {
		g.respond(x, err)
	}
	g.record(x)
}

func (g *Gateway) serve(x *exchange) error {
	err := g.pass(x)
	if err != nil {
		if bodyErr := x.body.failed(); bodyErr != nil {
			// Whatever failed downstream, the cause was the client's body.
			return bodyErr
		}
	}
	return err
}

// pass takes the request through every stage to its integration.
func (g *Gateway) pass(x *exchange) error {
	r := x.req.HTTP
	if err := canonicalizePath(r); err != nil {
		return err
	}
	x.body = guardBody(x.w.ResponseWriter, r, DefaultMaxBodyBytes)
	api, below := g.apis.Load().selectAPI(r)
	if api == nil {
		return &Error{Type: ResourceNotFound, Message: "Not Found"}
	}
	x.api = api
	if x.body != nil {
		if r.ContentLength > api.maxBody {
			return &PayloadTooLarge{Limit: api.maxBody}
		}
		x.body.limit = api.maxBody
	}
	if !api.rest {
		x.w.Header().Set("Apigw-Requestid", x.req.RequestID)
	}
	x.req.API = api.api
	stage, routePath := api.selectStage(below)
	if stage == nil {
		return api.noRoute()
	}
	x.req.Stage, x.req.RoutePath = stage, routePath
	if api.cors != nil {
		origin := r.Header.Get("Origin")
		if isPreflight(r) {
			api.cors.answerPreflight(x.w, r, origin)
			return nil
		}
		x.w.cors, x.w.origin = api.cors, origin
	}
	var values [maxPathParams]string
	route := api.router.match(r.Method, routePath, &values)
	if route == nil {
		return api.noRoute()
	}
	x.route = route
	x.req.Route = route.route
	if err := checkUpgrade(r, route.route); err != nil {
		return err
	}
	removeForgedHeaders(r.Header, api.claimHeaderNames, route.protected)
	if len(route.params) > 0 {
		x.req.PathParameters = make(map[string]string, len(route.params))
		for i, name := range route.params {
			x.req.PathParameters[name] = values[i]
		}
	}
	x.req.MethodARN = g.methodARN(api.api.ID, stage.Name, r.Method, routePath)
	for _, stage := range g.cfg.Pipeline {
		if err := stage.Pass(&x.req); err != nil {
			return err
		}
	}
	start := time.Now()
	err := route.integration.Serve(x.w, &x.req)
	x.integrationLatency = time.Since(start)
	return err
}

// canonicalizePath puts the request's one canonical path (canonicalPath) in
// its URL, for every later stage to read, or refuses the request with 400.
func canonicalizePath(r *http.Request) error {
	escaped := r.URL.EscapedPath()
	decoded, encoded, ok := canonicalPath(escaped)
	switch {
	case !ok:
		return &Error{Type: BadRequestParameters, Message: "Invalid request path: an encoded slash, a backslash, a control character or a .. above the root"}
	case encoded == escaped && decoded == r.URL.Path:
		return nil
	case encoded == decoded:
		r.URL.Path, r.URL.RawPath = decoded, ""
	default:
		r.URL.Path, r.URL.RawPath = decoded, encoded
	}
	return nil
}

// noRoute is API Gateway's answer when nothing in an API matches: REST APIs
// say 403 Missing Authentication Token, HTTP APIs 404 Not Found.
func (b *boundAPI) noRoute() *Error {
	if b.rest {
		return &Error{Type: MissingAuthenticationToken, Message: "Missing Authentication Token"}
	}
	return &Error{Type: ResourceNotFound, Message: "Not Found"}
}

// methodARN is arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>.
func (g *Gateway) methodARN(apiID, stage, method, routePath string) string {
	return "arn:aws:execute-api:" + g.cfg.Region + ":" + g.account + ":" + apiID + "/" + stage + "/" + method + "/" + strings.TrimPrefix(routePath, "/")
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

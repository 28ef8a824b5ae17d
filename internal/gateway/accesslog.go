package gateway

import (
	"context"
	"log/slog"
	"time"
)

// record writes the access-log line and the metrics of a finished request.
// The line carries the path without its query string and the principal's
// name, never a token, header value or query (they can carry secrets).
func (g *Gateway) record(x *exchange) {
	latency := time.Since(x.start)
	status := x.w.status
	if status == 0 {
		status = 200 // a handler that wrote nothing answered 200 with no body
	}
	var apiName, stage, routeKey, principal string
	switch {
	case x.route != nil:
		x.route.metrics.observe(status, latency, x.integrationLatency)
		routeKey = x.route.key
	case x.api != nil:
		x.api.unmatched.observe(status, latency, 0)
	}
	if x.api != nil {
		apiName = x.api.api.Name
	}
	if x.req.Stage != nil {
		stage = x.req.Stage.Name
	}
	if x.req.Identity != nil {
		principal = x.req.Identity.Principal
	}
	r := x.req.HTTP
	g.log.LogAttrs(context.Background(), slog.LevelInfo, "request",
		slog.String("requestId", x.req.RequestID),
		slog.String("api", apiName),
		slog.String("stage", stage),
		slog.String("route", routeKey),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.Float64("integration_latency_ms", float64(x.integrationLatency.Microseconds())/1000),
		slog.String("principal", principal),
		slog.String("apiKeyId", x.apiKeyID), // the key's ID, never its value
		slog.String("usagePlanId", x.usagePlanID),
		slog.String("user_agent", r.UserAgent()),
		slog.String("source_ip", sourceIP(r)),
		slog.String("errorType", x.errorType),
	)
	if g.tail.watching.Load() > 0 {
		g.tail.publish(AccessRecord{Time: x.start, RequestID: x.req.RequestID, API: apiName, Stage: stage, Route: routeKey,
			Method: r.Method, Path: r.URL.Path, Status: status, LatencyMS: float64(latency.Microseconds()) / 1000,
			Principal: principal, APIKeyID: x.apiKeyID, ErrorType: x.errorType, Reason: x.reason})
	}
}

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
	now := time.Now()
	latency := now.Sub(x.start)
	status := x.w.status
	if status == 0 {
		status = 200 // a handler that wrote nothing answered 200 with no body
	}
	r := x.req.HTTP
	line := accessLine{time: now, requestID: x.req.RequestID, method: r.Method, path: r.URL.Path, status: status,
		latency: latency, integrationLatency: x.integrationLatency,
		apiKeyID:    x.apiKeyID, // the key's ID, never its value
		usagePlanID: x.usagePlanID, userAgent: r.UserAgent(), sourceIP: sourceIP(r)}
	switch {
	case x.route != nil:
		x.route.metrics.observe(status, latency, x.integrationLatency)
		line.route = x.route.key
	case x.api != nil:
		x.api.unmatched.observe(status, latency, 0)
	}
	if x.api != nil {
		line.api = x.api.api.Name
	}
	if x.req.Stage != nil {
		line.stage = x.req.Stage.Name
	}
	if x.req.Identity != nil {
		line.principal = x.req.Identity.Principal
	}
	line.errorType = x.errorType
	if g.tail.Watched() {
		g.tail.Publish(line.api, AccessRecord{Time: x.start, RequestID: line.requestID, API: line.api, Stage: line.stage, Route: line.route,
			Method: line.method, Path: line.path, Status: status, LatencyMS: float64(latency.Microseconds()) / 1000,
			Principal: line.principal, APIKeyID: line.apiKeyID, ErrorType: x.errorType, Reason: x.reason})
	}
	if g.cfg.AccessLog == nil {
		g.log.LogAttrs(context.Background(), slog.LevelInfo, "request", line.attrs()...)
		return
	}
	buf := lineBuffers.Get().(*[]byte)
	*buf = line.appendTo((*buf)[:0])
	_, _ = g.cfg.AccessLog.Write(*buf) // the writer counts what it cannot write
	lineBuffers.Put(buf)
}

// attrs is the line as slog attributes, in the line's order.
func (l *accessLine) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("requestId", l.requestID),
		slog.String("api", l.api),
		slog.String("stage", l.stage),
		slog.String("route", l.route),
		slog.String("method", l.method),
		slog.String("path", l.path),
		slog.Int("status", l.status),
		slog.Float64("latency_ms", float64(l.latency.Microseconds())/1000),
		slog.Float64("integration_latency_ms", float64(l.integrationLatency.Microseconds())/1000),
		slog.String("principal", l.principal),
		slog.String("apiKeyId", l.apiKeyID),
		slog.String("usagePlanId", l.usagePlanID),
		slog.String("user_agent", l.userAgent),
		slog.String("source_ip", l.sourceIP),
		slog.String("errorType", l.errorType),
	}
}

package gateway

import (
	"strconv"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/accesslog"
	"github.com/moat-dev/moat/internal/jsonquote"
)

// accessLine is one access-log record, encoded the way slog's JSONHandler
// encodes the same record (TestAccessLineIsSlogsLine holds it to that), but
// by hand: no attribute values boxed, no reflection for the floats, one
// pooled buffer — the access log is written for every request.
type accessLine struct {
	time                             time.Time
	requestID, api, stage, route     string
	method, path                     string
	status                           int
	latency, integrationLatency      time.Duration
	principal, apiKeyID, usagePlanID string
	userAgent, sourceIP, errorType   string
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// appendTo appends the line and its newline to b.
func (l *accessLine) appendTo(b []byte) []byte {
	b = append(b, `{"time":"`...)
	b = l.time.AppendFormat(b, time.RFC3339Nano) // slog's JSON form of a time
	b = append(b, `","level":"INFO","msg":"request","logger":"gateway","requestId":`...)
	b = jsonquote.Slog(b, l.requestID)
	b = accesslog.AppendField(b, "api", l.api)
	b = accesslog.AppendField(b, "stage", l.stage)
	b = accesslog.AppendField(b, "route", l.route)
	b = accesslog.AppendField(b, "method", l.method)
	b = accesslog.AppendField(b, "path", l.path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, `,"latency_ms":`...)
	b = appendMillis(b, l.latency)
	b = append(b, `,"integration_latency_ms":`...)
	b = appendMillis(b, l.integrationLatency)
	b = accesslog.AppendField(b, "principal", l.principal)
	b = accesslog.AppendField(b, "apiKeyId", l.apiKeyID)
	b = accesslog.AppendField(b, "usagePlanId", l.usagePlanID)
	b = accesslog.AppendField(b, "user_agent", l.userAgent)
	b = accesslog.AppendField(b, "source_ip", l.sourceIP)
	b = accesslog.AppendField(b, "errorType", l.errorType)
	return append(b, "}\n"...)
}

// appendMillis is d in milliseconds to the microsecond, as a JSON number
// (encoding/json's form of a float64 in this range).
func appendMillis(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', -1, 64)
}

package waf

import (
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/accesslog"
	"github.com/moat-dev/moat/internal/jsonquote"
)

// matchLine is the log line of one rule's non-Allow decision. It is
// written for every request a Count rule matches, so it is encoded by hand
// into a pooled buffer, as the gateway's access line is, but byte for byte
// the line slog's JSONHandler writes for the same record
// (TestMatchLineIsSlogsLine): a JSON encoder costs more than the ten rules.
type matchLine struct {
	time                            time.Time
	webACL, rule, action            string
	clientIP                        netip.Addr
	method, uri                     string
	ruleWithinRuleGroup, overridden string
	labels                          []string
}

var matchLineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 384); return &b }}

// appendTo appends the line and its newline to b.
func (l *matchLine) appendTo(b []byte) []byte {
	b = append(b, `{"time":"`...)
	b = l.time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"waf"`...)
	b = accesslog.AppendField(b, "webACL", l.webACL)
	b = accesslog.AppendField(b, "rule", l.rule)
	b = accesslog.AppendField(b, "action", l.action)
	b = append(b, `,"clientIP":`...)
	b = appendAddr(b, l.clientIP)
	b = accesslog.AppendField(b, "method", l.method)
	b = accesslog.AppendField(b, "uri", l.uri)
	if l.ruleWithinRuleGroup != "" {
		b = accesslog.AppendField(b, "ruleWithinRuleGroup", l.ruleWithinRuleGroup)
	}
	if l.overridden != "" {
		b = accesslog.AppendField(b, "overriddenAction", l.overridden)
	}
	if len(l.labels) > 0 {
		b = append(b, `,"labels":[`...)
		for i, label := range l.labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonquote.Slog(b, label)
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

// appendAddr appends a as a JSON string without making one: moat's peers
// have no zone, whose text a JSON string would have to escape.
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Zone() != "" {
		return jsonquote.Slog(b, a.String())
	}
	b = append(b, '"')
	if a.IsValid() {
		b = a.AppendTo(b)
	}
	return append(b, '"')
}

// attrs is the line as slog attributes, for an engine without a Lines
// writer.
func (l *matchLine) attrs() []slog.Attr {
	attrs := []slog.Attr{
		slog.String("webACL", l.webACL),
		slog.String("rule", l.rule),
		slog.String("action", l.action),
		slog.String("clientIP", addrString(l.clientIP)),
		slog.String("method", l.method),
		slog.String("uri", l.uri),
	}
	if l.ruleWithinRuleGroup != "" {
		attrs = append(attrs, slog.String("ruleWithinRuleGroup", l.ruleWithinRuleGroup))
	}
	if l.overridden != "" {
		attrs = append(attrs, slog.String("overriddenAction", l.overridden))
	}
	if len(l.labels) > 0 {
		attrs = append(attrs, slog.Any("labels", slices.Clone(l.labels)))
	}
	return attrs
}

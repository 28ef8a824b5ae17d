package waf

import (
	"log/slog"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"
)

// visibility is a compiled VisibilityConfig: the rule's counters, one per
// action, and its sample ring when sampling is on.
type visibility struct {
	metric   string
	counters *[3]prometheus.Counter // by actionKind; nil when metrics are off
	ring     *sampleRing
}

func (e *Engine) visibility(aclARN string, v *VisibilityConfig, what string) (visibility, error) {
	if v == nil {
		return visibility{}, invalid("METRIC_NAME", what, "VisibilityConfig is required")
	}
	if !metricNamePattern.MatchString(v.MetricName) || v.MetricName == "All" || v.MetricName == DefaultActionRule {
		return visibility{}, invalid("METRIC_NAME", v.MetricName, "MetricName must be 1 to 255 of A-Z a-z 0-9 _ # : . - /, and neither All nor Default_Action")
	}
	out := visibility{metric: v.MetricName}
	if v.CloudWatchMetricsEnabled {
		out.counters = &[3]prometheus.Counter{}
		for k := actionAllow; k <= actionCount; k++ {
			out.counters[k] = e.metrics.requests.WithLabelValues(aclARN, v.MetricName, k.String())
		}
	}
	if v.SampledRequestsEnabled {
		out.ring = e.samples.ring(aclARN, v.MetricName)
	}
	return out, nil
}

// observe counts, samples and logs one rule's match (or the default
// action): every action that is not Allow gets a WAF log line.
func (e *Engine) observe(a *ACL, ev *evaluation, v *visibility, ruleName string, o outcome) {
	if v.counters != nil {
		v.counters[o.action.kind].Inc()
	}
	if v.ring != nil {
		v.ring.offer(ev, o)
	}
	if o.action.kind == actionAllow || e.lines == nil && !e.log.Enabled(ev.ctx, slog.LevelInfo) {
		return
	}
	l := matchLine{time: e.now(), webACL: a.name, rule: ruleName, action: o.action.kind.String(), clientIP: ev.req.ClientIP,
		method: ev.req.Method, uri: ev.req.Path, ruleWithinRuleGroup: o.groupRule, overridden: o.overridden, labels: ev.labels}
	if e.lines == nil {
		e.log.LogAttrs(ev.ctx, slog.LevelInfo, "waf", l.attrs()...)
		return
	}
	buf := matchLineBuffers.Get().(*[]byte)
	*buf = l.appendTo((*buf)[:0])
	_, _ = e.lines.Write(*buf) // the writer counts what it cannot write
	matchLineBuffers.Put(buf)
}

func (e *Engine) countFailed(a *ACL, err error) {
	e.metrics.counterErrors.WithLabelValues(a.arn).Inc()
	e.log.Warn("waf rate counter failed; rate-based rules did not match", "webACL", a.name, "err", err)
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

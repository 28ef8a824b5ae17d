package waf

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// rateMatch is a compiled RateBasedStatement. Every request the scope-down
// statement admits is counted under its aggregation key (blocked ones
// too, as in WAFv2); the statement matches while the key's count in the
// window is over the limit. A request without the key is not counted and
// does not match.
type rateMatch struct {
	engine    *Engine
	prefix    string // ACL and rule, so counts are the rule's own
	limit     int64
	window    time.Duration
	aggregate string
	fwd       *forwardedIP
	keys      []rateKey
	scopeDown matcher
}

// rateKey is one CUSTOM_KEYS component.
type rateKey struct {
	kind      string // Header Cookie QueryArgument QueryString UriPath HTTPMethod IP ForwardedIP LabelNamespace
	name      string
	chain     chain
	namespace string
}

const (
	minRateLimit = 10
	maxRateLimit = 2_000_000_000
	maxRateKeys  = 5
)

var rateWindows = map[int64]bool{60: true, 120: true, 300: true, 600: true}

func (c *compiler) rateBased(s *RateBasedStatement, aclARN string) (matcher, error) {
	if s.Limit < minRateLimit || s.Limit > maxRateLimit {
		return nil, invalid("RATE_BASED_STATEMENT", strconv.FormatInt(s.Limit, 10), "Limit must be %d to %d", minRateLimit, maxRateLimit)
	}
	window := s.EvaluationWindowSec
	if window == 0 {
		window = 300
	}
	if !rateWindows[window] {
		return nil, invalid("RATE_BASED_STATEMENT", strconv.FormatInt(window, 10), "EvaluationWindowSec must be 60, 120, 300 or 600")
	}
	m := &rateMatch{
		engine:    c.engine,
		prefix:    aclARN + "\x00" + c.ruleName + "\x00",
		limit:     s.Limit,
		window:    time.Duration(window) * time.Second,
		aggregate: s.AggregateKeyType,
	}
	if s.ScopeDownStatement != nil {
		sd, err := c.statement(s.ScopeDownStatement, 1)
		if err != nil {
			return nil, err
		}
		m.scopeDown = sd
	}
	usesForwarded := s.AggregateKeyType == "FORWARDED_IP"
	switch s.AggregateKeyType {
	case "IP", "FORWARDED_IP":
	case "CONSTANT":
		if s.ScopeDownStatement == nil {
			return nil, invalid("SCOPE_DOWN", "CONSTANT", "an AggregateKeyType of CONSTANT needs a ScopeDownStatement")
		}
	case "CUSTOM_KEYS":
		if len(s.CustomKeys) == 0 || len(s.CustomKeys) > maxRateKeys {
			return nil, invalid("CUSTOM_KEYS", strconv.Itoa(len(s.CustomKeys)), "CUSTOM_KEYS needs 1 to %d CustomKeys", maxRateKeys)
		}
		for i := range s.CustomKeys {
			k, err := compileRateKey(&s.CustomKeys[i])
			if err != nil {
				return nil, err
			}
			usesForwarded = usesForwarded || k.kind == "ForwardedIP"
			m.keys = append(m.keys, k)
		}
	default:
		return nil, invalid("RATE_BASED_STATEMENT", s.AggregateKeyType, "AggregateKeyType must be IP, FORWARDED_IP, CUSTOM_KEYS or CONSTANT")
	}
	if s.AggregateKeyType != "CUSTOM_KEYS" && len(s.CustomKeys) > 0 {
		return nil, invalid("CUSTOM_KEYS", s.AggregateKeyType, "CustomKeys are only for an AggregateKeyType of CUSTOM_KEYS")
	}
	switch cfg := s.ForwardedIPConfig; {
	case usesForwarded && cfg == nil:
		return nil, invalid("FORWARDED_IP_CONFIG", "", "aggregating on the forwarded IP needs a ForwardedIPConfig")
	case !usesForwarded && cfg != nil:
		return nil, invalid("FORWARDED_IP_CONFIG", "", "ForwardedIPConfig is only for aggregating on the forwarded IP")
	case cfg != nil:
		fwd, err := compileForwardedIP(cfg.HeaderName, cfg.FallbackBehavior, "", false)
		if err != nil {
			return nil, err
		}
		m.fwd = fwd
	}
	return m, nil
}

func compileRateKey(k *RateBasedStatementCustomKey) (rateKey, error) {
	var (
		out   rateKey
		err   error
		count int
	)
	named := func(kind string, n *RateLimitNamed) {
		count++
		out.kind = kind
		if n.Name == "" || len(n.Name) > 64 {
			err = invalid("CUSTOM_KEYS", kind, "%s Name must be 1 to 64 characters", kind)
			return
		}
		out.name = n.Name
		out.chain, err = compileChain(n.TextTransformations)
	}
	transformed := func(kind string, t *RateLimitTransformed) {
		count++
		out.kind = kind
		out.chain, err = compileChain(t.TextTransformations)
	}
	bare := func(kind string) { count++; out.kind = kind }
	if k.Header != nil {
		named("Header", k.Header)
	}
	if k.Cookie != nil {
		named("Cookie", k.Cookie)
	}
	if k.QueryArgument != nil {
		named("QueryArgument", k.QueryArgument)
	}
	if k.QueryString != nil {
		transformed("QueryString", k.QueryString)
	}
	if k.UriPath != nil {
		transformed("UriPath", k.UriPath)
	}
	if k.HTTPMethod != nil {
		bare("HTTPMethod")
	}
	if k.IP != nil {
		bare("IP")
	}
	if k.ForwardedIP != nil {
		bare("ForwardedIP")
	}
	if k.LabelNamespace != nil {
		bare("LabelNamespace")
		ns := k.LabelNamespace.Namespace
		if !validLabelText(ns) || !strings.HasSuffix(ns, ":") {
			err = invalid("CUSTOM_KEYS", ns, "a LabelNamespace Namespace is 1 to 1024 of A-Z a-z 0-9 _ - : and ends with a colon")
		}
		out.namespace = ns
	}
	if k.JA3Fingerprint != nil || k.JA4Fingerprint != nil || k.ASN != nil {
		return rateKey{}, invalid("CUSTOM_KEYS", "", "moat does not support JA3Fingerprint, JA4Fingerprint or ASN keys")
	}
	if count != 1 {
		return rateKey{}, invalid("CUSTOM_KEYS", "", "each CustomKeys entry must set exactly one key")
	}
	return out, err
}

func (m *rateMatch) matches(ev *evaluation) bool {
	if m.scopeDown != nil && !m.scopeDown.matches(ev) {
		return false
	}
	var instances []string
	switch m.aggregate {
	case "IP":
		if !ev.req.ClientIP.IsValid() {
			return false
		}
		// The common case, kept to one allocation: the key itself.
		key := make([]byte, 0, len(m.prefix)+46)
		key = ev.req.ClientIP.Unmap().AppendTo(append(key, m.prefix...))
		return m.count(ev, string(key))
	case "FORWARDED_IP":
		a, present, ok := m.fwd.address(ev.req)
		if !present {
			return false
		}
		if !ok {
			return m.fwd.fallbackMatch
		}
		instances = []string{a.String()}
	case "CONSTANT":
		instances = []string{""}
	default:
		var fallback, ok bool
		instances, fallback, ok = m.customInstances(ev)
		if !ok {
			return fallback
		}
	}
	matched := false
	for _, inst := range instances {
		matched = m.count(ev, counterKey(m.prefix, inst)) || matched
	}
	return matched
}

// count adds the request under key and says whether the key is over the
// limit; a counter error is kept for the report and does not match.
func (m *rateMatch) count(ev *evaluation, key string) bool {
	n, err := m.engine.counter.Add(ev.ctx, key, m.window, ev.now)
	if err != nil {
		if ev.countErr == nil {
			ev.countErr = err
		}
		return false
	}
	return n > m.limit
}

// customInstances builds the aggregation instances of a CUSTOM_KEYS
// request: one, or one per label when a key is a label namespace. ok is
// false when a key is missing (then fallback says whether the forwarded
// IP's fallback made it match).
func (m *rateMatch) customInstances(ev *evaluation) (instances []string, fallback, ok bool) {
	instances = []string{""}
	for _, k := range m.keys {
		values, fb, found := k.values(ev, m.fwd)
		if !found {
			return nil, fb, false
		}
		next := make([]string, 0, len(instances)*len(values))
		for _, inst := range instances {
			for _, v := range values {
				next = append(next, inst+strconv.Itoa(len(v))+":"+v)
			}
		}
		instances = next
	}
	return instances, false, true
}

func (k rateKey) values(ev *evaluation, fwd *forwardedIP) (values []string, fallback, ok bool) {
	r := ev.req
	one := func(v string, found bool) ([]string, bool, bool) {
		if !found {
			return nil, false, false
		}
		v = k.chain.apply(v)
		return []string{v}, false, v != ""
	}
	switch k.kind {
	case "Header":
		return one(headerValue(r, k.name))
	case "Cookie":
		return one(ev.cookie(k.name))
	case "QueryArgument":
		return one(ev.queryArg(k.name))
	case "QueryString":
		return one(r.RawQuery, r.RawQuery != "")
	case "UriPath":
		return one(r.Path, r.Path != "")
	case "HTTPMethod":
		return []string{r.Method}, false, true
	case "IP":
		if !r.ClientIP.IsValid() {
			return nil, false, false
		}
		return []string{r.ClientIP.Unmap().String()}, false, true
	case "ForwardedIP":
		a, present, parsed := fwd.address(r)
		if !present || !parsed {
			return nil, present && fwd.fallbackMatch, false
		}
		return []string{a.String()}, false, true
	}
	for _, l := range ev.labels {
		if strings.HasPrefix(l, k.namespace) {
			values = append(values, l)
		}
	}
	return values, false, len(values) > 0
}

// counterKey keeps keys short whatever a header holds: long instances are
// hashed (the same way on every replica).
func counterKey(prefix, instance string) string {
	if len(instance) <= 64 {
		return prefix + instance
	}
	sum := sha256.Sum256([]byte(instance))
	return prefix + "#" + hex.EncodeToString(sum[:])
}

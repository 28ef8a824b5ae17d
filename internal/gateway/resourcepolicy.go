package gateway

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moat-dev/moat/internal/iam"
)

// resourcePolicy is an API's compiled resource policy (API Gateway's
// x-amazon-apigateway-policy), checked before the authorizer.
type resourcePolicy struct {
	policy *iam.Policy
	// hasAllow: the policy admits only callers an Allow matches; a
	// Deny-only policy lets everyone else through to the authorizer.
	hasAllow bool
	// clock holds the time condition values for the current second, so
	// requests in the same second share them instead of formatting anew.
	clock atomic.Pointer[policyTime]
}

type policyTime struct {
	unix           int64
	current, epoch []string
}

// defaultAccount is the account in execute-api ARNs when none is configured.
const defaultAccount = "000000000000"

// executeAPIShorthand starts API Gateway's short resource form
// "execute-api:/stage/VERB/path", which AWS expands to the API's ARN when
// the policy is saved.
const executeAPIShorthand = "execute-api:"

// executeAPIARN is the ARN prefix of an API's methods: what the shorthand
// stands for.
func executeAPIARN(region, account, apiID string) string {
	return "arn:aws:execute-api:" + region + ":" + cmp.Or(account, defaultAccount) + ":" + apiID
}

// compileResourcePolicy parses doc, after expanding the execute-api
// shorthand to apiARN, and checks every statement names a Principal, as a
// resource policy's must.
func compileResourcePolicy(doc iam.Document, apiARN string) (*resourcePolicy, error) {
	p, err := iam.ParsePolicy(expandShorthand([]byte(doc), apiARN))
	if err != nil {
		return nil, err
	}
	if len(p.Statements) == 0 {
		return nil, errors.New("the policy has no statements")
	}
	rp := &resourcePolicy{policy: p}
	for i := range p.Statements {
		one := iam.Policy{Statements: p.Statements[i : i+1]}
		if !one.NamesPrincipal() {
			return nil, fmt.Errorf("Statement[%d]: a resource policy statement must have a Principal (\"*\" for every caller)", i)
		}
		rp.hasAllow = rp.hasAllow || p.Statements[i].Effect == iam.EffectAllow
	}
	return rp, nil
}

// expandShorthand rewrites Resource and NotResource values written as
// execute-api:/… into full ARNs. A document it cannot read is returned as
// is, for ParsePolicy to report.
func expandShorthand(doc []byte, apiARN string) []byte {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // numbers in conditions keep their exact text
	var top map[string]any
	if dec.Decode(&top) != nil || dec.Decode(&struct{}{}) != io.EOF {
		return doc
	}
	statements, _ := top["Statement"].([]any)
	if one, ok := top["Statement"].(map[string]any); ok {
		statements = []any{one}
	}
	changed := false
	expand := func(v any) any {
		s, ok := v.(string)
		if rest, short := strings.CutPrefix(s, executeAPIShorthand); ok && short && strings.HasPrefix(rest, "/") {
			changed = true
			return apiARN + rest
		}
		return v
	}
	for _, s := range statements {
		st, _ := s.(map[string]any)
		for _, name := range []string{"Resource", "NotResource"} {
			switch v := st[name].(type) {
			case string:
				st[name] = expand(v)
			case []any:
				for i := range v {
					v[i] = expand(v[i])
				}
			}
		}
	}
	if !changed {
		return doc
	}
	out, err := json.Marshal(top)
	if err != nil {
		return doc
	}
	return out
}

// checkResourcePolicy evaluates execute-api:Invoke on the method ARN for an
// anonymous caller, as API Gateway's pre-authorization pass does: an
// explicit Deny refuses, and a policy with Allow statements refuses callers
// none of them matches. Otherwise the authorizer decides.
func checkResourcePolicy(x *exchange) error {
	p := x.api.policy
	if p == nil {
		return nil
	}
	arn := x.req.MethodARN
	c := contexts.Get().(*policyContext)
	decision := p.policy.Evaluate(iam.Request{Action: "execute-api:Invoke", Resource: arn, Context: c.fill(p, x.req.HTTP, time.Now())})
	c.release()
	switch decision {
	case iam.ExplicitDeny:
		return anonymousDenied(arn, " with an explicit deny")
	case iam.ImplicitDeny:
		if p.hasAllow {
			return anonymousDenied(arn, "")
		}
	}
	return nil
}

func anonymousDenied(arn, suffix string) *Error {
	return &Error{Type: AccessDenied, Message: "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arn + suffix}
}

var (
	secureTransport   = []string{"true"}
	insecureTransport = []string{"false"}
)

// policyContext is a reusable condition-key map: evaluation keeps nothing
// of it, and building a fresh map was most of the check's cost.
type policyContext struct {
	ctx      iam.Context
	sourceIP [1]string
}

var contexts = sync.Pool{New: func() any { return &policyContext{ctx: make(iam.Context, 6)} }}

// fill sets the request's condition keys that need no authentication.
// aws:SourceIp is the peer address: X-Forwarded-For is the client's to
// write, so trusting it would let anyone pick their address.
func (c *policyContext) fill(p *resourcePolicy, r *http.Request, now time.Time) iam.Context {
	t := p.timeValues(now)
	c.sourceIP[0] = sourceIP(r)
	ctx := c.ctx
	ctx["aws:SourceIp"] = c.sourceIP[:]
	ctx["aws:CurrentTime"] = t.current
	ctx["aws:EpochTime"] = t.epoch
	ctx["aws:SecureTransport"] = insecureTransport
	if r.TLS != nil {
		ctx["aws:SecureTransport"] = secureTransport
	}
	// Header values are slices already; the first is the key's value.
	if ua := r.Header["User-Agent"]; len(ua) > 0 {
		ctx["aws:UserAgent"] = ua[:1]
	}
	if ref := r.Header["Referer"]; len(ref) > 0 {
		ctx["aws:Referer"] = ref[:1]
	}
	return ctx
}

// release empties the context, so it holds no request's values, and pools it.
func (c *policyContext) release() {
	clear(c.ctx)
	c.sourceIP[0] = ""
	contexts.Put(c)
}

func (p *resourcePolicy) timeValues(now time.Time) *policyTime {
	sec := now.Unix()
	if t := p.clock.Load(); t != nil && t.unix == sec {
		return t
	}
	t := &policyTime{unix: sec, current: []string{now.UTC().Format("2006-01-02T15:04:05Z")}, epoch: []string{strconv.FormatInt(sec, 10)}}
	p.clock.Store(t)
	return t
}

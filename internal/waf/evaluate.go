package waf

import "context"

// DefaultActionRule is the terminating rule WAFv2 reports when no rule
// decided and the DefaultAction did.
const DefaultActionRule = "Default_Action"

// Decision is what an ACL decided about a request.
type Decision struct {
	Action          string // ALLOW or BLOCK
	TerminatingRule string // DefaultActionRule when no rule terminated
	// Response is a Block's CustomResponse; nil means the protected
	// resource answers as it does for WAF blocks (403 Forbidden).
	Response *Response
	// InsertHeaders are headers Allow and Count rules add to the request
	// passed on (names start x-amzn-waf-).
	InsertHeaders []CustomHTTPHeader
	Labels        []string
}

// Blocked says whether the request must be refused.
func (d Decision) Blocked() bool { return d.Action == "BLOCK" }

// outcome is what one rule did to a request.
type outcome struct {
	matched bool
	action  action
	// groupRule names the rule inside a managed group that decided, and
	// overridden the action it had before an override changed it.
	groupRule  string
	overridden string
}

// Evaluate runs the rules in priority order: the first Allow or Block
// decides; Count adds its labels and headers and goes on; when no rule
// terminates, the DefaultAction decides.
func (a *ACL) Evaluate(ctx context.Context, r *Request) Decision {
	ev := newEvaluation(ctx, r, a.engine.now())
	defer ev.release()
	var inserted []CustomHTTPHeader
	for i := range a.rules {
		rl := &a.rules[i]
		var o outcome
		if rl.group != nil {
			o = rl.group.evaluate(ev)
		} else if rl.match.matches(ev) {
			o = outcome{matched: true, action: rl.action}
		}
		if !o.matched {
			continue
		}
		for _, l := range rl.labels {
			ev.addLabel(l)
		}
		a.engine.observe(a, ev, &rl.visibility, rl.name, o)
		switch o.action.kind {
		case actionCount:
			inserted = append(inserted, o.action.insert...)
		case actionAllow:
			return a.decision(ev, rl.name, o.action, append(inserted, o.action.insert...))
		case actionBlock:
			return a.decision(ev, rl.name, o.action, nil)
		}
	}
	def := outcome{matched: true, action: a.defaultAction}
	a.engine.observe(a, ev, &a.visibility, DefaultActionRule, def)
	return a.decision(ev, DefaultActionRule, a.defaultAction, append(inserted, a.defaultAction.insert...))
}

func (a *ACL) decision(ev *evaluation, ruleName string, act action, inserted []CustomHTTPHeader) Decision {
	d := Decision{Action: act.kind.String(), TerminatingRule: ruleName, Response: act.response, InsertHeaders: inserted}
	if len(ev.labels) > 0 {
		d.Labels = append([]string(nil), ev.labels...)
	}
	if ev.countErr != nil {
		a.engine.countFailed(a, ev.countErr)
	}
	return d
}

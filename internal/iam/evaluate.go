package iam

// Decision is the outcome of evaluating policies for a request.
type Decision int

const (
	// ImplicitDeny: no statement allowed the request. Every request
	// starts here ("Policy evaluation logic").
	ImplicitDeny Decision = iota
	// Allow: a statement allowed the request and none denied it.
	Allow
	// ExplicitDeny: a Deny statement matched; it overrides any Allow.
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Request is what a policy is evaluated against.
type Request struct {
	// Action is "service:Action", e.g. "execute-api:Invoke"; compared
	// without regard to case.
	Action string
	// Resource is the ARN acted on, e.g.
	// "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/dragons".
	Resource string
	// Principal is the caller, for Principal and NotPrincipal; nil means
	// anonymous. Statements without either element apply to any caller.
	Principal *Principal
	// Context holds the condition keys and the values of policy variables.
	Context Context
}

// Evaluate decides the request against one policy.
func (p *Policy) Evaluate(req Request) Decision {
	return Evaluate(req, p)
}

// Evaluate decides the request against a set of policies of equal standing,
// e.g. all policies attached to a role: any matching Deny gives
// ExplicitDeny, otherwise any matching Allow gives Allow, otherwise
// ImplicitDeny ("Policy evaluation logic"). Nil policies are skipped.
func Evaluate(req Request, policies ...*Policy) Decision {
	decision := ImplicitDeny
	for _, p := range policies {
		if p == nil {
			continue
		}
		for i := range p.Statements {
			s := &p.Statements[i]
			if !s.applies(&req) {
				continue
			}
			if s.Effect == EffectDeny {
				return ExplicitDeny
			}
			decision = Allow
		}
	}
	return decision
}

// EvaluateWithBoundary decides a request whose permissions are the
// intersection of identity policies and boundary policies, such as a
// session (scope-down) policy or a permissions boundary: a Deny in either
// set denies, and the request is allowed only if both sets allow it
// ("Policy evaluation logic": session policies and permissions boundaries
// limit, and never grant, what identity policies allow). With no boundary
// policies this is Evaluate over the identity policies.
func EvaluateWithBoundary(req Request, identity, boundary []*Policy) Decision {
	id := Evaluate(req, identity...)
	if len(boundary) == 0 || id == ExplicitDeny {
		return id
	}
	b := Evaluate(req, boundary...)
	if b == ExplicitDeny {
		return ExplicitDeny
	}
	if id == Allow && b == Allow {
		return Allow
	}
	return ImplicitDeny
}

// applies reports whether every element of the statement matches. A
// variable with no value and no default makes the whole statement
// inapplicable, neither allowing nor denying: "not present means that the
// value is not in the current request information, and any attempt to match
// it fails and causes the statement to be invalid" ("IAM policy elements:
// Variables and tags"). Without this an unresolved variable in NotResource or
// StringNotEquals would widen an Allow.
func (s *Statement) applies(req *Request) bool {
	if !s.matchesAction(req.Action) {
		return false
	}
	if s.principal != nil && !s.principal.matches(req.Principal) {
		return false
	}
	if s.notPrincipal != nil && s.notPrincipal.matches(req.Principal) {
		return false
	}
	for _, v := range s.variables {
		if _, ok := v.resolve(req.Context); !ok {
			return false
		}
	}
	if !s.matchesResource(req.Resource, req.Context) {
		return false
	}
	for i := range s.conditions {
		if !s.conditions[i].holds(req.Context) {
			return false
		}
	}
	return true
}

// matchesAction: NotAction matches every action except those listed
// ("IAM JSON policy elements: NotAction").
func (s *Statement) matchesAction(action string) bool {
	for i := range s.action {
		if s.action[i].match(action, nil) {
			return !s.notAction
		}
	}
	return s.notAction
}

// matchesResource: NotResource matches every resource except those listed
// ("IAM JSON policy elements: NotResource").
func (s *Statement) matchesResource(resource string, ctx Context) bool {
	if s.anyResource {
		return true
	}
	for i := range s.resource {
		if s.resource[i].match(resource, ctx) {
			return !s.notResource
		}
	}
	return s.notResource
}

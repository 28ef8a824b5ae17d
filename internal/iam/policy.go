package iam

// Policy language versions ("IAM JSON policy elements: Version"). Only
// 2012-10-17 has policy variables; a document without Version is read as
// 2008-10-17, where "${…}" is literal text.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect element.
type Effect string

const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Policy is a parsed, validated and compiled policy document.
type Policy struct {
	Version    string // as written; empty when the document has none
	ID         string
	Statements []Statement
}

// Statement is one compiled statement. Its patterns and conditions are
// evaluated through Policy.Evaluate.
type Statement struct {
	Sid    string
	Effect Effect

	principal, notPrincipal *principals
	action                  []glob
	notAction               bool // action lists NotAction
	resource                []arnPattern
	notResource             bool // resource lists NotResource
	anyResource             bool // a trust-policy statement with no Resource
	conditions              []condition
	variables               []*variable // every variable in Resource and Condition
}

// NamesPrincipal reports whether any statement has Principal or NotPrincipal.
// Resource and trust policies must; identity and session policies must not
// (IAM rejects them with "Policy document should not specify a principal.").
func (p *Policy) NamesPrincipal() bool {
	for i := range p.Statements {
		if p.Statements[i].principal != nil || p.Statements[i].notPrincipal != nil {
			return true
		}
	}
	return false
}

// ReadsContext reports whether evaluating the policy can read the
// request's Context: a statement with a condition or a policy variable. A
// caller may leave Context nil for the policies that do not, rather than
// build the condition keys for every request.
func (p *Policy) ReadsContext() bool {
	for i := range p.Statements {
		if len(p.Statements[i].conditions) > 0 || len(p.Statements[i].variables) > 0 {
			return true
		}
	}
	return false
}

// collectVariables lists the statement's variables once, so evaluation can
// check up front that all of them resolve.
func (s *Statement) collectVariables() {
	add := func(g *glob) { s.variables = append(s.variables, g.vars...) }
	for i := range s.resource {
		for j := range s.resource[i].segments {
			add(&s.resource[i].segments[j])
		}
	}
	for i := range s.conditions {
		c := &s.conditions[i]
		for j := range c.strings {
			add(&c.strings[j])
		}
		for j := range c.arns {
			for k := range c.arns[j].segments {
				add(&c.arns[j].segments[k])
			}
		}
	}
}

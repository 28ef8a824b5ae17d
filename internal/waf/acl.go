package waf

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// ACL is a compiled web ACL, safe for concurrent evaluations.
type ACL struct {
	engine        *Engine
	name, arn     string
	rules         []rule
	defaultAction action
	visibility    visibility
	bodyLimits    map[ResourceType]int
	inspectsBody  bool
}

// rule is a compiled rule: either a statement with an action, or a
// managed rule group with its override.
type rule struct {
	name       string
	match      matcher // nil for a rule group
	action     action
	group      *groupRule
	labels     []string // fully qualified
	visibility visibility
}

// ResourceType is the kind of resource an ACL protects, as WAFv2 names it
// in AssociationConfig.
type ResourceType string

const (
	ResourceAPIGateway      ResourceType = "API_GATEWAY"
	ResourceCognitoUserPool ResourceType = "COGNITO_USER_POOL"
)

// defaultBodyLimit is how much of the body API Gateway and Cognito forward
// for inspection unless AssociationConfig says more.
const defaultBodyLimit = 16 * 1024

var bodyLimits = map[string]int{"KB_16": 16 * 1024, "KB_32": 32 * 1024, "KB_48": 48 * 1024, "KB_64": 64 * 1024}

var associationResources = map[string]bool{"CLOUDFRONT": true, "API_GATEWAY": true, "COGNITO_USER_POOL": true, "APP_RUNNER_SERVICE": true, "VERIFIED_ACCESS_INSTANCE": true}

// BodyLimit is how many bytes of the body to read for evaluation when the
// ACL protects a resource of type t.
func (a *ACL) BodyLimit(t ResourceType) int {
	if n, ok := a.bodyLimits[t]; ok {
		return n
	}
	return defaultBodyLimit
}

// InspectsBody says whether any rule looks at the body, so a caller can
// skip reading it.
func (a *ACL) InspectsBody() bool { return a.inspectsBody }

// Name and ARN identify the web ACL the ACL was compiled from.
func (a *ACL) Name() string { return a.name }
func (a *ACL) ARN() string  { return a.arn }

var metricNamePattern = regexp.MustCompile(`^[\w#:\.\-/]{1,255}$`)

// Compile checks acl as CreateWebACL does and compiles it; sets holds the
// IP sets and regex pattern sets it references (see References). Errors
// are *InvalidParameterError, *NonexistentError or *UnavailableError.
func (e *Engine) Compile(acl WebACL, sets Sets) (*ACL, error) {
	if !entityNamePattern.MatchString(acl.Name) {
		return nil, invalid("WEB_ACL", acl.Name, "Name must be 1 to 128 letters, digits, _ and -")
	}
	if err := compileBodies(acl.CustomResponseBodies); err != nil {
		return nil, err
	}
	def, err := compileDefaultAction(acl.DefaultAction, acl.CustomResponseBodies)
	if err != nil {
		return nil, err
	}
	out := &ACL{engine: e, name: acl.Name, arn: cmp.Or(acl.ARN, acl.Name), defaultAction: def}
	if out.visibility, err = e.visibility(out.arn, acl.VisibilityConfig, "Default_Action"); err != nil {
		return nil, err
	}
	if out.bodyLimits, err = compileAssociationConfig(acl.AssociationConfig); err != nil {
		return nil, err
	}
	c := &compiler{engine: e, acl: &acl, sets: sets, ipSets: map[string]*addressSet{}, regexes: map[string]*regexp.Regexp{}}
	sorted := slices.Clone(acl.Rules)
	slices.SortStableFunc(sorted, func(a, b Rule) int { return cmp.Compare(a.Priority, b.Priority) })
	for i := range sorted {
		r := &sorted[i]
		if i > 0 && sorted[i-1].Priority == r.Priority {
			return nil, invalid("RULE", r.Name, "rule priorities must be unique: %s and %s both have %d", sorted[i-1].Name, r.Name, r.Priority)
		}
		if i > 0 && slices.ContainsFunc(sorted[:i], func(o Rule) bool { return o.Name == r.Name }) {
			return nil, invalid("RULE", r.Name, "rule names must be unique")
		}
		compiled, err := c.rule(r, out.arn)
		if err != nil {
			return nil, err
		}
		out.rules = append(out.rules, compiled)
	}
	out.inspectsBody = inspectsBody(acl.Rules)
	return out, nil
}

func compileAssociationConfig(cfg *AssociationConfig) (map[ResourceType]int, error) {
	if cfg == nil {
		return nil, nil
	}
	limits := map[ResourceType]int{}
	for resource, rb := range cfg.RequestBody {
		if !associationResources[resource] {
			return nil, invalid("ASSOCIATED_RESOURCE_TYPE", resource, "RequestBody keys are CLOUDFRONT, API_GATEWAY, COGNITO_USER_POOL, APP_RUNNER_SERVICE or VERIFIED_ACCESS_INSTANCE")
		}
		n, ok := bodyLimits[rb.DefaultSizeInspectionLimit]
		if !ok {
			return nil, invalid("ASSOCIATED_RESOURCE_TYPE", rb.DefaultSizeInspectionLimit, "DefaultSizeInspectionLimit must be KB_16, KB_32, KB_48 or KB_64")
		}
		limits[ResourceType(resource)] = n
	}
	return limits, nil
}

func (c *compiler) rule(r *Rule, aclARN string) (rule, error) {
	if !entityNamePattern.MatchString(r.Name) {
		return rule{}, invalid("RULE", r.Name, "rule names must be 1 to 128 letters, digits, _ and -")
	}
	if r.Priority < 0 {
		return rule{}, invalid("RULE", r.Name, "Priority must be 0 or more")
	}
	if r.CaptchaConfig != nil || r.ChallengeConfig != nil {
		return rule{}, invalid("RULE", r.Name, "moat does not support CaptchaConfig or ChallengeConfig")
	}
	c.ruleName = r.Name
	out := rule{name: r.Name}
	var err error
	if out.visibility, err = c.engine.visibility(aclARN, r.VisibilityConfig, r.Name); err != nil {
		return rule{}, err
	}
	for _, l := range r.RuleLabels {
		if err := checkLabelName(l.Name); err != nil {
			return rule{}, err
		}
		out.labels = append(out.labels, c.acl.LabelNamespace+l.Name)
	}
	if r.Statement == nil {
		return rule{}, invalid("RULE", r.Name, "Statement is required")
	}
	isGroup := r.Statement.ManagedRuleGroupStatement != nil && len(r.Statement.members()) == 1
	switch {
	case isGroup && r.Action != nil:
		return rule{}, invalid("RULE_ACTION", r.Name, "a rule with a rule-group statement takes OverrideAction, not Action")
	case !isGroup && r.OverrideAction != nil:
		return rule{}, invalid("OVERRIDE_ACTION", r.Name, "OverrideAction is only for rules whose statement is a rule group; use Action")
	}
	if isGroup {
		out.group, err = c.managedGroup(r.Statement.ManagedRuleGroupStatement, r.OverrideAction)
		return out, err
	}
	if out.action, err = compileRuleAction(r.Action, c.acl.CustomResponseBodies); err != nil {
		return rule{}, err
	}
	if rb := r.Statement.RateBasedStatement; rb != nil && len(r.Statement.members()) == 1 {
		out.match, err = c.rateBased(rb, aclARN)
	} else {
		out.match, err = c.statement(r.Statement, 0)
	}
	return out, err
}

func checkLabelName(name string) error {
	if !validLabelText(name) || strings.HasPrefix(name, ":") || strings.HasSuffix(name, ":") {
		return invalid("RULE", name, "a label is 1 to 1024 of A-Z a-z 0-9 _ - :, colon-separated, not starting or ending with a colon")
	}
	parts := strings.Split(name, ":")
	if len(parts) > 5 {
		return invalid("RULE", name, "a label has at most 5 components")
	}
	for _, p := range parts {
		if p == "" || len(p) > 128 {
			return invalid("RULE", name, "each label component is 1 to 128 characters")
		}
	}
	return nil
}

// References lists the ARNs of the IP sets and regex pattern sets acl's
// rules name, each once, so the caller can load them for Compile (and the
// store can refuse to delete a set in use).
func References(acl WebACL) (ipSets, regexSets []string) {
	visitStatements(acl.Rules, func(s *Statement) {
		if r := s.IPSetReferenceStatement; r != nil && !slices.Contains(ipSets, r.ARN) {
			ipSets = append(ipSets, r.ARN)
		}
		if r := s.RegexPatternSetReferenceStatement; r != nil && !slices.Contains(regexSets, r.ARN) {
			regexSets = append(regexSets, r.ARN)
		}
	})
	return ipSets, regexSets
}

// inspectsBody reports whether a rule reads the body: a Body field, or a
// managed group (Coraza reads bodies).
func inspectsBody(rules []Rule) bool {
	found := false
	visitStatements(rules, func(s *Statement) {
		if f := fieldOf(s); f != nil && f.Body != nil || s.ManagedRuleGroupStatement != nil {
			found = true
		}
	})
	return found
}

// visitStatements calls fn with every statement of rules, nested ones and
// scope-down statements included, to maxNesting deep.
func visitStatements(rules []Rule, fn func(*Statement)) {
	var walk func(s *Statement, depth int)
	walk = func(s *Statement, depth int) {
		if s == nil || depth > maxNesting {
			return
		}
		fn(s)
		if s.AndStatement != nil {
			for i := range s.AndStatement.Statements {
				walk(&s.AndStatement.Statements[i], depth+1)
			}
		}
		if s.OrStatement != nil {
			for i := range s.OrStatement.Statements {
				walk(&s.OrStatement.Statements[i], depth+1)
			}
		}
		if s.NotStatement != nil {
			walk(s.NotStatement.Statement, depth+1)
		}
		if s.RateBasedStatement != nil {
			walk(s.RateBasedStatement.ScopeDownStatement, depth+1)
		}
		if s.ManagedRuleGroupStatement != nil {
			walk(s.ManagedRuleGroupStatement.ScopeDownStatement, depth+1)
		}
	}
	for i := range rules {
		walk(rules[i].Statement, 0)
	}
}

func fieldOf(s *Statement) *FieldToMatch {
	switch {
	case s.ByteMatchStatement != nil:
		return s.ByteMatchStatement.FieldToMatch
	case s.RegexMatchStatement != nil:
		return s.RegexMatchStatement.FieldToMatch
	case s.RegexPatternSetReferenceStatement != nil:
		return s.RegexPatternSetReferenceStatement.FieldToMatch
	case s.SizeConstraintStatement != nil:
		return s.SizeConstraintStatement.FieldToMatch
	}
	return nil
}

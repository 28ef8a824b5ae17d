package waf

import (
	"fmt"
	"regexp"
	"strings"
)

// maxNesting bounds how deep And, Or and Not may nest, so a hostile
// document cannot make compilation or evaluation recurse without end.
const maxNesting = 20

// maxSearchString is WAFv2's limit on a ByteMatch SearchString.
const maxSearchString = 200

var labelChars = regexp.MustCompile(`^[0-9A-Za-z_\-:]+$`)

// validLabelText is WAFv2's label (and label key) syntax: 1 to 1024 of
// A-Z a-z 0-9 _ - :.
func validLabelText(s string) bool { return len(s) <= 1024 && labelChars.MatchString(s) }

// compiler holds what compiling one web ACL needs.
type compiler struct {
	engine   *Engine
	acl      *WebACL
	sets     Sets
	ipSets   map[string]*addressSet
	regexes  map[string]*regexp.Regexp
	ruleName string // the rule being compiled, for rate counter keys
}

// members lists the statement kinds s sets.
func (s *Statement) members() []string {
	var names []string
	for _, m := range []struct {
		name string
		set  bool
	}{
		{"ByteMatchStatement", s.ByteMatchStatement != nil},
		{"SqliMatchStatement", s.SqliMatchStatement != nil},
		{"XssMatchStatement", s.XssMatchStatement != nil},
		{"SizeConstraintStatement", s.SizeConstraintStatement != nil},
		{"GeoMatchStatement", s.GeoMatchStatement != nil},
		{"RuleGroupReferenceStatement", s.RuleGroupReferenceStatement != nil},
		{"IPSetReferenceStatement", s.IPSetReferenceStatement != nil},
		{"RegexPatternSetReferenceStatement", s.RegexPatternSetReferenceStatement != nil},
		{"RateBasedStatement", s.RateBasedStatement != nil},
		{"AndStatement", s.AndStatement != nil},
		{"OrStatement", s.OrStatement != nil},
		{"NotStatement", s.NotStatement != nil},
		{"ManagedRuleGroupStatement", s.ManagedRuleGroupStatement != nil},
		{"LabelMatchStatement", s.LabelMatchStatement != nil},
		{"RegexMatchStatement", s.RegexMatchStatement != nil},
		{"AsnMatchStatement", s.AsnMatchStatement != nil},
	} {
		if m.set {
			names = append(names, m.name)
		}
	}
	return names
}

// statement compiles a nestable statement (anything but a rate-based or
// rule-group statement, which only a rule's top level may hold).
func (c *compiler) statement(s *Statement, depth int) (matcher, error) {
	if s == nil {
		return nil, invalid("STATEMENT", "", "Statement is required")
	}
	if depth > maxNesting {
		return nil, invalid("STATEMENT", "", "statements nest at most %d deep", maxNesting)
	}
	names := s.members()
	if len(names) != 1 {
		return nil, invalid("STATEMENT", strings.Join(names, ", "), "a Statement must set exactly one statement type")
	}
	switch {
	case s.ByteMatchStatement != nil:
		return c.byteMatch(s.ByteMatchStatement)
	case s.RegexMatchStatement != nil:
		return c.regexMatch(s.RegexMatchStatement)
	case s.RegexPatternSetReferenceStatement != nil:
		return c.regexSetMatch(s.RegexPatternSetReferenceStatement)
	case s.SizeConstraintStatement != nil:
		return c.sizeMatch(s.SizeConstraintStatement)
	case s.IPSetReferenceStatement != nil:
		return c.ipSetMatch(s.IPSetReferenceStatement)
	case s.LabelMatchStatement != nil:
		return compileLabelMatch(s.LabelMatchStatement)
	case s.GeoMatchStatement != nil:
		return c.geoMatch(s.GeoMatchStatement)
	case s.AndStatement != nil:
		return c.list(s.AndStatement.Statements, "AND_STATEMENT", depth, func(ms []matcher) matcher { return andMatch(ms) })
	case s.OrStatement != nil:
		return c.list(s.OrStatement.Statements, "OR_STATEMENT", depth, func(ms []matcher) matcher { return orMatch(ms) })
	case s.NotStatement != nil:
		m, err := c.statement(s.NotStatement.Statement, depth+1)
		if err != nil {
			return nil, err
		}
		return notMatch{m}, nil
	case s.RateBasedStatement != nil:
		return nil, invalid("RATE_BASED_STATEMENT", "", "a RateBasedStatement must be a rule's top-level statement, not nested in another")
	case s.ManagedRuleGroupStatement != nil:
		return nil, invalid("MANAGED_RULE_SET_STATEMENT", "", "a ManagedRuleGroupStatement must be a rule's top-level statement, not nested in another")
	case s.SqliMatchStatement != nil:
		return nil, invalid("SQLI_MATCH_STATEMENT", "", "moat does not support SqliMatchStatement; use the managed rule group AWSManagedRulesSQLiRuleSet")
	case s.XssMatchStatement != nil:
		return nil, invalid("XSS_MATCH_STATEMENT", "", "moat does not support XssMatchStatement; use the managed rule group AWSManagedRulesCommonRuleSet")
	case s.RuleGroupReferenceStatement != nil:
		return nil, invalid("RULE_GROUP_REFERENCE_STATEMENT", "", "moat does not support rule groups of your own; put the rules in the web ACL")
	}
	return nil, invalid("STATEMENT", "AsnMatchStatement", "moat does not support AsnMatchStatement: it has no ASN database")
}

func (c *compiler) list(stmts []Statement, fieldName string, depth int, build func([]matcher) matcher) (matcher, error) {
	if len(stmts) < 2 {
		return nil, invalid(fieldName, fmt.Sprint(len(stmts)), "And and Or statements need at least two Statements")
	}
	ms := make([]matcher, 0, len(stmts))
	for i := range stmts {
		m, err := c.statement(&stmts[i], depth+1)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return build(ms), nil
}

func (c *compiler) byteMatch(s *ByteMatchStatement) (matcher, error) {
	f, ch, err := compileInspection(s.FieldToMatch, s.TextTransformations)
	if err != nil {
		return nil, err
	}
	if len(s.SearchString) == 0 || len(s.SearchString) > maxSearchString {
		return nil, invalid("BYTE_MATCH_STATEMENT", "SearchString", "SearchString must be 1 to %d bytes", maxSearchString)
	}
	pos, ok := positions[s.PositionalConstraint]
	if !ok {
		return nil, invalid("BYTE_MATCH_STATEMENT", s.PositionalConstraint, "PositionalConstraint must be EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS or CONTAINS_WORD")
	}
	m := &byteMatch{field: f, chain: ch, search: string(s.SearchString), pos: pos}
	if pos == posContainsWord && strings.ContainsFunc(m.search, func(r rune) bool { return r >= 0x80 || !isWordByte(byte(r)) }) {
		return nil, invalid("BYTE_MATCH_STATEMENT", m.search, "with CONTAINS_WORD, SearchString may hold only letters, digits and _")
	}
	return m, nil
}

var positions = map[string]positional{
	"EXACTLY": posExactly, "STARTS_WITH": posStartsWith, "ENDS_WITH": posEndsWith,
	"CONTAINS": posContains, "CONTAINS_WORD": posContainsWord,
}

// maxRegex is WAFv2's limit on one regular expression.
const maxRegex = 512

func compileRegex(expr string) (*regexp.Regexp, error) {
	if expr == "" || len(expr) > maxRegex {
		return nil, invalid("REGEX_PATTERN_SET", expr, "a regular expression must be 1 to %d characters", maxRegex)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, invalid("REGEX_PATTERN_SET", expr, "the regular expression does not compile: %v", err)
	}
	return re, nil
}

func (c *compiler) regexMatch(s *RegexMatchStatement) (matcher, error) {
	f, ch, err := compileInspection(s.FieldToMatch, s.TextTransformations)
	if err != nil {
		return nil, err
	}
	re, err := compileRegex(s.RegexString)
	if err != nil {
		return nil, err
	}
	return &regexMatch{field: f, chain: ch, re: re}, nil
}

func (c *compiler) regexSetMatch(s *RegexPatternSetReferenceStatement) (matcher, error) {
	f, ch, err := compileInspection(s.FieldToMatch, s.TextTransformations)
	if err != nil {
		return nil, err
	}
	re, ok := c.regexes[s.ARN]
	if !ok {
		set, found := c.sets.RegexPatternSets[s.ARN]
		if !found {
			return nil, &NonexistentError{ARN: s.ARN}
		}
		if re, err = compileRegexSet(set.RegularExpressionList); err != nil {
			return nil, err
		}
		c.regexes[s.ARN] = re
	}
	return &regexMatch{field: f, chain: ch, re: re}, nil
}

// compileRegexSet joins a set's expressions into one alternation; each is
// grouped so flags and anchors stay its own.
func compileRegexSet(list []Regex) (*regexp.Regexp, error) {
	if len(list) == 0 {
		// An empty set matches nothing.
		return regexp.MustCompile(`[^\x00-\x{10FFFF}]`), nil
	}
	parts := make([]string, 0, len(list))
	for _, r := range list {
		if _, err := compileRegex(r.RegexString); err != nil {
			return nil, err
		}
		parts = append(parts, "(?:"+r.RegexString+")")
	}
	return regexp.Compile(strings.Join(parts, "|"))
}

// maxRegexesPerSet is WAFv2's limit on expressions in one set.
const maxRegexesPerSet = 10

// ValidateRegexPatternSet checks a set's expressions as CreateRegexPatternSet does.
func ValidateRegexPatternSet(list []Regex) error {
	if len(list) > maxRegexesPerSet {
		return invalid("REGEX_PATTERN_SET", fmt.Sprint(len(list)), "a regex pattern set holds at most %d expressions", maxRegexesPerSet)
	}
	_, err := compileRegexSet(list)
	return err
}

func (c *compiler) sizeMatch(s *SizeConstraintStatement) (matcher, error) {
	f, ch, err := compileInspection(s.FieldToMatch, s.TextTransformations)
	if err != nil {
		return nil, err
	}
	switch s.ComparisonOperator {
	case "EQ", "NE", "LE", "LT", "GE", "GT":
	default:
		return nil, invalid("SIZE_CONSTRAINT_STATEMENT", s.ComparisonOperator, "ComparisonOperator must be EQ, NE, LE, LT, GE or GT")
	}
	if s.Size < 0 || s.Size > 21474836480 {
		return nil, invalid("SIZE_CONSTRAINT_STATEMENT", fmt.Sprint(s.Size), "Size must be 0 to 21474836480")
	}
	return &sizeMatch{field: f, chain: ch, op: s.ComparisonOperator, size: s.Size}, nil
}

func compileInspection(f *FieldToMatch, tts []TextTransformation) (field, chain, error) {
	fl, err := compileField(f)
	if err != nil {
		return field{}, nil, err
	}
	ch, err := compileChain(tts)
	return fl, ch, err
}

func (c *compiler) ipSetMatch(s *IPSetReferenceStatement) (matcher, error) {
	set, ok := c.ipSets[s.ARN]
	if !ok {
		ipSet, found := c.sets.IPSets[s.ARN]
		if !found {
			return nil, &NonexistentError{ARN: s.ARN}
		}
		var err error
		if set, err = compileIPSet(ipSet.IPAddressVersion, ipSet.Addresses); err != nil {
			return nil, err
		}
		c.ipSets[s.ARN] = set
	}
	m := &ipSetMatch{set: set}
	if cfg := s.IPSetForwardedIPConfig; cfg != nil {
		fwd, err := compileForwardedIP(cfg.HeaderName, cfg.FallbackBehavior, cfg.Position, true)
		if err != nil {
			return nil, err
		}
		m.fwd = fwd
	}
	return m, nil
}

func compileLabelMatch(s *LabelMatchStatement) (matcher, error) {
	if !validLabelText(s.Key) {
		return nil, invalid("LABEL_MATCH_STATEMENT", s.Key, "Key must be 1 to 1024 of A-Z a-z 0-9 _ - :")
	}
	switch s.Scope {
	case "LABEL":
		return labelMatch{key: strings.TrimPrefix(s.Key, ":")}, nil
	case "NAMESPACE":
		key := strings.Trim(s.Key, ":") + ":"
		return labelMatch{namespace: true, key: key}, nil
	}
	return nil, invalid("LABEL_MATCH_STATEMENT", s.Scope, "Scope must be LABEL or NAMESPACE")
}

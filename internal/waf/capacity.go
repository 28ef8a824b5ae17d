package waf

// capacity is the web ACL's cost in WAFv2's web ACL capacity units (WCUs),
// by AWS's published prices: a statement's base cost, plus 10 per text
// transformation, 10 more for inspecting all query arguments, and the
// managed groups' fixed costs. moat reports it; it refuses nothing by it.
func capacity(acl WebACL) int64 {
	var total int64
	visitStatements(acl.Rules, func(s *Statement) {
		total += statementCapacity(s)
	})
	return total
}

var managedCapacity = map[string]int64{
	"AWSManagedRulesCommonRuleSet":         700,
	"AWSManagedRulesSQLiRuleSet":           200,
	"AWSManagedRulesKnownBadInputsRuleSet": 200,
}

func statementCapacity(s *Statement) int64 {
	switch {
	case s.ByteMatchStatement != nil:
		base := int64(2)
		if p := s.ByteMatchStatement.PositionalConstraint; p == "CONTAINS" || p == "CONTAINS_WORD" {
			base = 10
		}
		return base + inspectionCapacity(s.ByteMatchStatement.FieldToMatch, s.ByteMatchStatement.TextTransformations)
	case s.RegexMatchStatement != nil:
		return 3 + inspectionCapacity(s.RegexMatchStatement.FieldToMatch, s.RegexMatchStatement.TextTransformations)
	case s.RegexPatternSetReferenceStatement != nil:
		return 25 + inspectionCapacity(s.RegexPatternSetReferenceStatement.FieldToMatch, s.RegexPatternSetReferenceStatement.TextTransformations)
	case s.SizeConstraintStatement != nil:
		return 1 + inspectionCapacity(s.SizeConstraintStatement.FieldToMatch, s.SizeConstraintStatement.TextTransformations)
	case s.IPSetReferenceStatement != nil, s.GeoMatchStatement != nil, s.LabelMatchStatement != nil:
		return 1
	case s.RateBasedStatement != nil:
		return 2 + 30*int64(len(s.RateBasedStatement.CustomKeys))
	case s.ManagedRuleGroupStatement != nil:
		return managedCapacity[s.ManagedRuleGroupStatement.Name]
	}
	return 0 // And, Or and Not cost what they hold
}

func inspectionCapacity(f *FieldToMatch, tts []TextTransformation) int64 {
	n := int64(0)
	for _, t := range tts {
		if t.Type != "NONE" {
			n += 10
		}
	}
	if f != nil && f.AllQueryArguments != nil {
		n += 10
	}
	return n
}

package identitypool

import (
	"strings"
)

// chooseRole picks the role for authenticated logins (reference §3.5): the
// role mapping of the first login that has one decides — Token: CustomRoleArn
// if the token lists it (else deny), then cognito:preferred_role; Rules: the
// first matching rule in order — and when it cannot, AmbiguousRoleResolution
// does. Without a mapping the pool's authenticated role applies.
func chooseRole(r *PoolRoles, logins []login, customRoleARN string) (string, error) {
	for _, l := range logins {
		for _, key := range l.mappingKeys {
			if m, ok := r.RoleMappings[key]; ok {
				return resolveMapping(r, m, l.claims, customRoleARN)
			}
		}
	}
	if customRoleARN != "" && customRoleARN != r.Roles[authenticatedRole] {
		return "", invalidParameter("CustomRoleArn %s can be chosen only through a Token or Rules role mapping of the login's provider.", customRoleARN)
	}
	return defaultRole(r, authenticatedRole)
}

func resolveMapping(r *PoolRoles, m RoleMapping, claims map[string]any, customRoleARN string) (string, error) {
	var candidates []string
	switch m.Type {
	case "Token":
		candidates = tokenRoles(claims)
		if customRoleARN != "" {
			if !contains(candidates, customRoleARN) {
				return "", errAmbiguousDenied
			}
			return customRoleARN, nil
		}
		if preferred := claimValues(claims, "cognito:preferred_role"); len(preferred) == 1 && preferred[0] != "" {
			return preferred[0], nil
		}
	case "Rules":
		for _, rule := range m.RulesConfiguration.Rules {
			if ruleMatches(rule, claimValues(claims, rule.Claim)) {
				if customRoleARN != "" && customRoleARN != rule.RoleARN {
					continue // a later matching rule may give the role asked for
				}
				return rule.RoleARN, nil
			}
		}
		if customRoleARN != "" {
			return "", errAmbiguousDenied
		}
	}
	if m.AmbiguousRoleResolution == "AuthenticatedRole" {
		return defaultRole(r, authenticatedRole)
	}
	return "", errAmbiguousDenied
}

// ruleMatches applies a rule to a claim's values; a multi-valued claim (like
// cognito:groups) matches when any value does. NotEqual needs the claim present.
func ruleMatches(rule MappingRule, values []string) bool {
	if rule.MatchType == "NotEqual" {
		return len(values) > 0 && !contains(values, rule.Value)
	}
	for _, v := range values {
		switch {
		case rule.MatchType == "Equals" && v == rule.Value,
			rule.MatchType == "Contains" && strings.Contains(v, rule.Value),
			rule.MatchType == "StartsWith" && strings.HasPrefix(v, rule.Value):
			return true
		}
	}
	return false
}

func defaultRole(r *PoolRoles, kind string) (string, error) {
	if arn := r.Roles[kind]; arn != "" {
		return arn, nil
	}
	return "", errNoRole
}

package authorizer

import (
	"slices"
	"strings"
)

// tokenScopes reads a token's scopes from scope or, when that is absent,
// scp; either may be a space-delimited string or an array of strings, since
// issuers disagree. ok is false when the claim has another shape.
func tokenScopes(claims map[string]any) (scopes []string, ok bool) {
	v, present := claims["scope"]
	if !present {
		v, present = claims["scp"]
	}
	if !present {
		return nil, true
	}
	switch v := v.(type) {
	case string:
		return strings.Fields(v), true
	case []any:
		scopes = make([]string, 0, len(v))
		for _, item := range v {
			s, isString := item.(string)
			if !isString {
				return nil, false
			}
			scopes = append(scopes, s)
		}
		return scopes, true
	default:
		return nil, false
	}
}

// anyScope reports whether have holds at least one of want (API Gateway's
// any-of rule for route scopes).
func anyScope(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

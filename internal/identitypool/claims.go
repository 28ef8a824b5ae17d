package identitypool

import (
	"fmt"
	"strings"
)

// claimValues reads a claim as strings: a string is one value, a list its
// elements, a number or boolean its JSON text. Absent is nil.
func claimValues(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	default:
		return []string{fmt.Sprint(v)}
	}
}

// tokenRoles reads cognito:roles, which Cognito documents as a
// comma-separated string and moat (like real tokens) sends as a list.
func tokenRoles(claims map[string]any) []string {
	var out []string
	for _, v := range claimValues(claims, "cognito:roles") {
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(r); r != "" {
				out = append(out, r)
			}
		}
	}
	return out
}

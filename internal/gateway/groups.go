package gateway

import "slices"

// requireGroup is moat's route-level group check, which API Gateway lacks:
// a route listing groups admits only a caller whose verified cognito:groups
// claim holds one of them. An identity without claims holds no group.
func requireGroup(want []string, id *Identity) error {
	if len(want) == 0 {
		return nil
	}
	if id != nil {
		for _, g := range claimGroups(id.Claims["cognito:groups"]) {
			if slices.Contains(want, g) {
				return nil
			}
		}
	}
	return &Error{Type: AccessDenied, Message: "Forbidden", Reason: "the caller is in none of the route's groups"}
}

// claimGroups reads cognito:groups as moat and Cognito issue it (a JSON
// array of names) or as a single name; any other shape holds no group.
func claimGroups(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		groups := make([]string, 0, len(v))
		for _, item := range v {
			if s, ok := item.(string); ok {
				groups = append(groups, s)
			}
		}
		return groups
	}
	return nil
}

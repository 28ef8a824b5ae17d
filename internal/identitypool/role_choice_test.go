package identitypool

import (
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

func TestChooseRole(t *testing.T) {
	const (
		def, admin, editor, viewer = "arn:aws:iam::0:role/default", "arn:aws:iam::0:role/admin", "arn:aws:iam::0:role/editor", "arn:aws:iam::0:role/viewer"
		provider                   = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	)
	rules := func(ambiguous string, r ...MappingRule) map[string]RoleMapping {
		return map[string]RoleMapping{provider: {Type: "Rules", AmbiguousRoleResolution: ambiguous, RulesConfiguration: &RulesConfiguration{Rules: r}}}
	}
	token := func(ambiguous string) map[string]RoleMapping {
		return map[string]RoleMapping{provider: {Type: "Token", AmbiguousRoleResolution: ambiguous}}
	}
	groupRules := []MappingRule{
		{Claim: "cognito:groups", MatchType: "Equals", Value: "admins", RoleARN: admin},
		{Claim: "email", MatchType: "StartsWith", Value: "ed", RoleARN: editor},
		{Claim: "email", MatchType: "Contains", Value: "@example", RoleARN: viewer},
	}
	tests := []struct {
		name     string
		mappings map[string]RoleMapping
		claims   map[string]any
		custom   string
		want     string
		denied   bool
	}{
		{name: "no mapping: default role", want: def},
		{name: "no mapping: custom role other than default refused", custom: admin, denied: true},
		{name: "token: preferred role", mappings: token("Deny"), claims: map[string]any{"cognito:roles": []any{editor, admin}, "cognito:preferred_role": editor}, want: editor},
		{name: "token: custom role in the token", mappings: token("Deny"), claims: map[string]any{"cognito:roles": []any{editor, admin}, "cognito:preferred_role": editor}, custom: admin, want: admin},
		{name: "token: custom role as a comma-separated string", mappings: token("Deny"), claims: map[string]any{"cognito:roles": editor + "," + admin}, custom: admin, want: admin},
		{name: "token: custom role not in the token denied", mappings: token("AuthenticatedRole"), claims: map[string]any{"cognito:roles": []any{editor}}, custom: admin, denied: true},
		{name: "token: no preferred role, ambiguous to default", mappings: token("AuthenticatedRole"), claims: map[string]any{"cognito:roles": []any{editor, admin}}, want: def},
		{name: "token: no preferred role, ambiguous deny", mappings: token("Deny"), claims: map[string]any{}, denied: true},
		{name: "rules: first match wins", mappings: rules("Deny", groupRules...), claims: map[string]any{"cognito:groups": []any{"staff", "admins"}, "email": "ed@example.com"}, want: admin},
		{name: "rules: order matters", mappings: rules("Deny", groupRules[2], groupRules[1]), claims: map[string]any{"email": "ed@example.com"}, want: viewer},
		{name: "rules: a later rule", mappings: rules("Deny", groupRules...), claims: map[string]any{"email": "ed@other.org"}, want: editor},
		{name: "rules: custom role picks a later matching rule", mappings: rules("Deny", groupRules...), claims: map[string]any{"email": "ed@example.com"}, custom: viewer, want: viewer},
		{name: "rules: custom role matching no rule denied", mappings: rules("AuthenticatedRole", groupRules...), claims: map[string]any{"email": "ed@example.com"}, custom: admin, denied: true},
		{name: "rules: no match, ambiguous to default", mappings: rules("AuthenticatedRole", groupRules...), claims: map[string]any{"email": "zed@other.org"}, want: def},
		{name: "rules: no match, ambiguous deny", mappings: rules("Deny", groupRules...), claims: map[string]any{"email": "zed@other.org"}, denied: true},
		{name: "rules: NotEqual skips an absent claim", mappings: rules("Deny", MappingRule{Claim: "dept", MatchType: "NotEqual", Value: "x", RoleARN: viewer}), claims: map[string]any{}, denied: true},
		{name: "rules: NotEqual matches a different value", mappings: rules("Deny", MappingRule{Claim: "dept", MatchType: "NotEqual", Value: "x", RoleARN: viewer}), claims: map[string]any{"dept": "y"}, want: viewer},
		{name: "rules: client-specific mapping first", mappings: map[string]RoleMapping{
			provider:             {Type: "Rules", AmbiguousRoleResolution: "Deny", RulesConfiguration: &RulesConfiguration{Rules: groupRules}},
			provider + ":client": {Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole"},
		}, claims: map[string]any{"cognito:groups": "admins"}, want: def},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &PoolRoles{Roles: map[string]string{authenticatedRole: def}, RoleMappings: tc.mappings}
			l := login{provider: provider, claims: tc.claims, mappingKeys: []string{provider + ":client", provider}}
			got, err := chooseRole(r, []login{l}, tc.custom)
			if tc.denied {
				if _, ok := awserr.As(err); !ok || got != "" {
					t.Fatalf("got %q, %v; want a refusal", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestChooseRoleWithoutDefault(t *testing.T) {
	_, err := chooseRole(&PoolRoles{}, []login{{provider: "p"}}, "")
	wantCode(t, err, InvalidIdentityPoolConfig, errNoRole.Message)
}

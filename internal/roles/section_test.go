package roles

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/configfile"
)

// The roles: section is checked when the file is read, by Declare's own
// rules, and each refusal names the YAML key.
func TestSectionErrorsNameTheKey(t *testing.T) {
	trust := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	cases := map[string]struct{ yaml, want string }{
		"name":     {"- {name: 'web app', assumeRolePolicy: '" + trust + "'}", `roles[0].name: 1 validation error detected: Value 'web app' at 'roleName'`},
		"twice":    {"- {name: web, assumeRolePolicy: '" + trust + "'}\n- {name: WEB, assumeRolePolicy: '" + trust + "'}", `roles[1].name: "WEB" is declared twice (role names ignore case)`},
		"session":  {"- {name: web, maxSessionDuration: 60, assumeRolePolicy: '" + trust + "'}", "roles[0].maxSessionDuration: 1 validation error detected"},
		"path":     {"- {name: web, path: app, assumeRolePolicy: '" + trust + "'}", "roles[0].path: 1 validation error detected"},
		"trust":    {"- {name: web, assumeRolePolicy: {Statement: [{Effect: Allow, Action: 'sts:AssumeRole'}]}}", "roles[0].assumeRolePolicy: "},
		"missing":  {"- {name: web}", "roles[0].assumeRolePolicy: "},
		"policy":   {"- {name: web, assumeRolePolicy: '" + trust + "', policies: {invoke: '" + trust + "'}}", `roles[0].policies.invoke: Policy document should not specify a principal.`},
		"document": {"- {name: web, assumeRolePolicy: {1: 2}}", "roles[0].assumeRolePolicy: line 2: a policy must be a JSON string or a YAML mapping"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var file struct {
				Roles Section `yaml:"roles"`
			}
			err := configfile.Decode([]byte("roles:\n"+indent(c.yaml)), &file)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

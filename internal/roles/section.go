package roles

import (
	"context"
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
)

// Section is the config file's roles:. At every start each role is created
// or brought back to exactly what the file says (Apply), so the file wins
// over changes made through the IAM API to the roles it names.
type Section []RoleConfig

// RoleConfig declares an IAM role (one item of roles:).
type RoleConfig struct {
	Name               string `yaml:"name"`
	Path               string `yaml:"path,omitempty"`
	Description        string `yaml:"description,omitempty"`
	MaxSessionDuration int64  `yaml:"maxSessionDuration,omitempty"`
	// AssumeRolePolicy is the trust policy; Policies are the inline
	// permission policies by name.
	AssumeRolePolicy iam.Document            `yaml:"assumeRolePolicy"`
	Policies         map[string]iam.Document `yaml:"policies,omitempty"`
	Tags             map[string]string       `yaml:"tags,omitempty"`
}

func (c RoleConfig) declaration() Declaration {
	policies := map[string]string{}
	for name, doc := range c.Policies {
		policies[name] = string(doc)
	}
	return Declaration{
		RoleInput: RoleInput{
			Name: c.Name, Path: c.Path, Description: c.Description,
			AssumeRolePolicy: string(c.AssumeRolePolicy), MaxSessionDuration: c.MaxSessionDuration, Tags: c.Tags,
		},
		Policies: policies,
	}
}

// Validate checks every role as CreateRole and PutRolePolicy would, with
// the same rules Declare applies; errors name the role's setting by its
// index and YAML key ([1].assumeRolePolicy).
func (s Section) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range s {
		at := configfile.Index("", i)
		if seen[strings.ToLower(c.Name)] {
			errs = append(errs, configfile.Errorf(at+".name", "%q is declared twice (role names ignore case)", c.Name))
		}
		seen[strings.ToLower(c.Name)] = true
		d := c.declaration()
		in := d.RoleInput.withDefaults()
		field, err := in.check()
		if err == nil {
			field, err = checkPolicies(&store.Role{Name: in.Name, InlinePolicies: d.Policies})
		}
		if err != nil {
			errs = append(errs, configfile.At(configfile.Join(at, field), awserr.Reason(err)))
		}
	}
	return errors.Join(errs...)
}

// Apply makes the store hold the declared roles. Running it again changes
// nothing, so every replica may run it at start.
func (s Section) Apply(ctx context.Context, svc *Service) error {
	if err := s.Validate(); err != nil {
		return configfile.At("roles", err)
	}
	for i, c := range s {
		if _, err := svc.Declare(ctx, c.declaration()); err != nil {
			return configfile.At(configfile.Index("roles", i), awserr.Reason(err))
		}
	}
	return nil
}

// DeclareNames makes ${role:<name>} (and a bare role name where a role is
// expected) each declared role's ARN in account.
func (s Section) DeclareNames(refs *configfile.References, account string) {
	for _, c := range s {
		in := c.declaration().RoleInput.withDefaults()
		refs.Declare(configfile.RoleRef, c.Name, RoleARN(account, in.Path, c.Name))
	}
}

// Resolve expands the references (${identityPool:shop}, ${role:admins})
// in the roles' settings, their policies included: a trust policy may name
// the identity pool the file declares.
func (s Section) Resolve(refs *configfile.References) error {
	var errs []error
	for i := range s {
		errs = append(errs, refs.ExpandAll(&s[i], configfile.Index("", i)))
	}
	return errors.Join(errs...)
}

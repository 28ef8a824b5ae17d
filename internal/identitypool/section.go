package identitypool

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/store"
)

// Section is the config file's identityPools:. At every start (and on
// SIGHUP) each pool and its roles are created or brought back to what the
// file says (Apply); pools the file does not name are left alone. A
// declared pool's id follows from its name (DeclaredPoolID), so
// ${identityPool:<name>} resolves as the file is read.
type Section []DeclaredPool

// DeclaredPool is one pool of identityPools:.
type DeclaredPool struct {
	// Name is the IdentityPoolName and how the file refers to it.
	Name     string       `yaml:"name"`
	Settings PoolSettings `yaml:"settings,omitempty"`
	// UserPoolClients are app clients of userPools: (<pool>/<client>)
	// whose ID tokens the pool accepts: CognitoIdentityProviders entries.
	UserPoolClients []string `yaml:"userPoolClients,omitempty"`
	// Roles are SetIdentityPoolRoles' Roles (authenticated,
	// unauthenticated), each a role of roles: by name, or an ARN.
	Roles map[string]string `yaml:"roles,omitempty"`
	// RoleMappings are SetIdentityPoolRoles' RoleMappings, keyed by an app
	// client of userPools: (<pool>/<client>) or a provider name, each
	// rule's RoleARN a role of roles: by name, or an ARN.
	RoleMappings map[string]DeclaredRoleMapping `yaml:"roleMappings,omitempty"`

	// What Resolve made of the references above.
	providers []Provider
	roles     PoolRoles
}

// PoolSettings are CreateIdentityPool's members besides IdentityPoolName,
// as the API takes them (PascalCase).
type PoolSettings struct{ IdentityPool }

// DeclaredRoleMapping is a RoleMapping as the API takes it (PascalCase).
type DeclaredRoleMapping struct{ RoleMapping }

func (p *PoolSettings) UnmarshalYAML(n *yaml.Node) error {
	if err := configfile.DecodeAPIShape(n, &p.IdentityPool); err != nil {
		return err
	}
	if p.IdentityPoolId != "" || p.IdentityPoolName != "" {
		return fmt.Errorf("line %d: the pool's name is its name: key, and its id follows from it; settings take neither IdentityPoolId nor IdentityPoolName", n.Line)
	}
	return nil
}

func (m *DeclaredRoleMapping) UnmarshalYAML(n *yaml.Node) error {
	return configfile.DecodeAPIShape(n, &m.RoleMapping)
}

// DeclaredPoolID is the id of the identity pool identityPools: names name.
func DeclaredPoolID(region, name string) string {
	return region + ":" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("moat:identityPool:"+region+":"+name)).String()
}

// Validate checks what needs no other section: names and role kinds.
func (s Section) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, d := range s {
		at := configfile.Index("", i)
		if err := poolNameMember.check(d.Name, "", true); err != nil {
			errs = append(errs, configfile.At(at+".name", awserr.Reason(err)))
		} else if seen[d.Name] {
			errs = append(errs, configfile.Errorf(at+".name", "%q is declared twice", d.Name))
		}
		seen[d.Name] = true
		for kind := range d.Roles {
			if kind != authenticatedRole && kind != unauthenticatedRole {
				errs = append(errs, configfile.Errorf(configfile.Key(at+".roles", kind), "the roles are authenticated and unauthenticated"))
			}
		}
	}
	return errors.Join(errs...)
}

// DeclareNames makes ${identityPool:<name>} each declared pool's id.
func (s Section) DeclareNames(refs *configfile.References, region string) {
	for _, d := range s {
		refs.Declare(configfile.IdentityPoolRef, d.Name, DeclaredPoolID(region, d.Name))
	}
}

// Resolve turns the section's references to user pools, clients and roles
// into the ids and ARNs the API takes, and checks the roles as
// SetIdentityPoolRoles does.
func (s Section) Resolve(refs *configfile.References) error {
	var errs []error
	for i := range s {
		if err := s[i].resolve(refs, configfile.Index("", i)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d *DeclaredPool) resolve(refs *configfile.References, at string) error {
	d.providers = nil
	for j, ref := range d.UserPoolClients {
		provider, clientID, err := userPoolClient(refs, ref)
		if err != nil {
			return configfile.At(configfile.Index(at+".userPoolClients", j), err)
		}
		d.providers = append(d.providers, Provider{ProviderName: provider, ClientId: clientID})
	}
	d.roles = PoolRoles{Roles: map[string]string{}}
	for _, kind := range slices.Sorted(maps.Keys(d.Roles)) {
		arn, err := roleARN(refs, d.Roles[kind])
		if err != nil {
			return configfile.At(configfile.Key(at+".roles", kind), err)
		}
		d.roles.Roles[kind] = arn
	}
	for _, key := range slices.Sorted(maps.Keys(d.RoleMappings)) {
		mat := configfile.Key(at+".roleMappings", key)
		provider := key
		if refs.Has(configfile.UserPoolClientRef, key) || strings.HasPrefix(key, "${") {
			name, clientID, err := userPoolClient(refs, key)
			if err != nil {
				return configfile.At(mat, err)
			}
			provider = name + ":" + clientID
		}
		m := d.RoleMappings[key].RoleMapping
		if m.RulesConfiguration != nil {
			rules := slices.Clone(m.RulesConfiguration.Rules)
			for k := range rules {
				arn, err := roleARN(refs, rules[k].RoleARN)
				if err != nil {
					return configfile.At(fmt.Sprintf("%s.RulesConfiguration.Rules[%d].RoleARN", mat, k), err)
				}
				rules[k].RoleARN = arn
			}
			m.RulesConfiguration = &RulesConfiguration{Rules: rules}
		}
		if d.roles.RoleMappings == nil {
			d.roles.RoleMappings = map[string]RoleMapping{}
		}
		d.roles.RoleMappings[provider] = m
	}
	if err := checkRoles(&d.roles); err != nil {
		return configfile.At(at, awserr.Reason(err))
	}
	return nil
}

// userPoolClient is the provider name and client id of an app client of
// userPools:, written <pool>/<client> or ${userPoolClient:<pool>/<client>}.
func userPoolClient(refs *configfile.References, ref string) (provider, clientID string, err error) {
	name, whole := configfile.Whole(ref, configfile.UserPoolClientRef)
	if !whole {
		name = ref
	}
	clientID, err = refs.Lookup(configfile.UserPoolClientRef, name)
	if err != nil {
		return "", "", err
	}
	pool, _, _ := strings.Cut(name, "/")
	poolID, err := refs.Lookup(configfile.UserPoolRef, pool)
	if err != nil {
		return "", "", err
	}
	region, _, _ := strings.Cut(poolID, "_")
	return "cognito-idp." + region + ".amazonaws.com/" + poolID, clientID, nil
}

// roleARN is a role of roles: by name (or ${role:<name>}); an ARN as it is.
func roleARN(refs *configfile.References, role string) (string, error) {
	if strings.HasPrefix(role, "arn:") {
		return role, nil
	}
	name, whole := configfile.Whole(role, configfile.RoleRef)
	if !whole {
		name = role
	}
	return refs.Lookup(configfile.RoleRef, name)
}

// Apply makes the store hold the declared pools and their roles. Running
// it again changes nothing, so every replica may run it at start. Call
// Resolve first.
func (s Section) Apply(ctx context.Context, svc *Service) error {
	if err := s.Validate(); err != nil {
		return configfile.At("identityPools", err)
	}
	for i, d := range s {
		at := configfile.Index("identityPools", i)
		if err := svc.declare(ctx, d); err != nil {
			return configfile.At(at, awserr.Reason(err))
		}
	}
	return nil
}

func (s *Service) declare(ctx context.Context, d DeclaredPool) error {
	want := d.Settings.IdentityPool
	want.IdentityPoolId, want.IdentityPoolName = DeclaredPoolID(s.region, d.Name), d.Name
	want.CognitoIdentityProviders = append(slices.Clone(want.CognitoIdentityProviders), d.providers...)
	if err := s.validate(&want); err != nil {
		return fmt.Errorf("settings: %w", awserr.Reason(err))
	}
	_, have, err := s.loadPool(ctx, want.IdentityPoolId)
	if e, ok := awserr.As(err); ok && e.Code == awserr.ResourceNotFound {
		if _, err = s.createPool(ctx, want.IdentityPoolId, &want); err == nil || errors.Is(err, store.ErrAlreadyExists) {
			_, have, err = s.loadPool(ctx, want.IdentityPoolId)
		}
	}
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(encodeConfig(*have), encodeConfig(want)) {
		if _, err := s.UpdateIdentityPool(ctx, &want); err != nil {
			return fmt.Errorf("settings: %w", awserr.Reason(err))
		}
	}
	current, err := s.GetIdentityPoolRoles(ctx, &PoolIDInput{IdentityPoolId: want.IdentityPoolId})
	if err != nil {
		return err
	}
	roles := d.roles
	roles.IdentityPoolId = want.IdentityPoolId
	if reflect.DeepEqual(normalRoles(*current), normalRoles(roles)) {
		return nil
	}
	_, err = s.SetIdentityPoolRoles(ctx, &roles)
	return err
}

// normalRoles is r with empty maps as none, for comparing.
func normalRoles(r PoolRoles) PoolRoles {
	if len(r.Roles) == 0 {
		r.Roles = nil
	}
	if len(r.RoleMappings) == 0 {
		r.RoleMappings = nil
	}
	return r
}

package userpool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/store"
)

// Apply makes the store hold the declared pools, clients, groups and users.
// Running it again changes nothing, so every replica may run it at start;
// replicas starting together create each pool once, its id being the
// file's (declared_ids.go). Call Resolve first: group roles must be ARNs.
func (s Section) Apply(ctx context.Context, svc *Service) error {
	if err := s.Validate(); err != nil {
		return configfile.At("userPools", err)
	}
	for i, d := range s {
		if err := svc.declarePool(ctx, configfile.Index("userPools", i), d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) declarePool(ctx context.Context, at string, d DeclaredPool) error {
	cfg, err := normalizePoolConfig(d.Settings.PoolConfig)
	if err != nil {
		return configfile.At(at+".settings", awserr.Reason(err))
	}
	id := DeclaredPoolID(s.region, d.Name)
	p, err := s.loadPool(ctx, id)
	if isCode(err, awserr.ResourceNotFound) {
		if _, err = s.createPool(ctx, id, d.Name, cfg); err == nil || errors.Is(err, store.ErrAlreadyExists) {
			p, err = s.loadPool(ctx, id)
		}
	}
	if err != nil {
		return configfile.At(at, err)
	}
	if err := s.overwritePool(ctx, p, cfg); err != nil {
		return configfile.At(at+".settings", awserr.Reason(err))
	}
	for j, c := range d.Clients {
		if err := s.declareClient(ctx, p, c); err != nil {
			return configfile.At(configfile.Index(at+".clients", j), awserr.Reason(err))
		}
	}
	for j, g := range d.Groups {
		if err := s.declareGroup(ctx, p, g); err != nil {
			return configfile.At(configfile.Index(at+".groups", j), awserr.Reason(err))
		}
	}
	for j, u := range d.Users {
		if field, err := s.declareUser(ctx, p, u); err != nil {
			return configfile.At(configfile.Join(configfile.Index(at+".users", j), field), awserr.Reason(err))
		}
	}
	return nil
}

// overwritePool brings an existing pool's settings to cfg. What Cognito
// fixes at creation (schema, sign-in attributes, username case) cannot
// change: the file must keep what the pool has (attributes added since
// with AddCustomAttributes may stay).
func (s *Service) overwritePool(ctx context.Context, p *pool, cfg PoolConfig) error {
	for _, a := range cfg.Schema {
		if have, ok := p.schemaAttribute(a.Name); !ok || !sameJSON(have, a) {
			return fmt.Errorf("Schema: attribute %s differs from the pool's, and a pool's schema cannot change once it is created (add custom attributes with AddCustomAttributes, or delete the pool)", a.Name)
		}
	}
	if !sameJSON(p.Config.UsernameAttributes, cfg.UsernameAttributes) || !sameJSON(p.Config.AliasAttributes, cfg.AliasAttributes) ||
		!sameJSON(p.Config.UsernameConfiguration, cfg.UsernameConfiguration) {
		return errors.New("UsernameAttributes, AliasAttributes and UsernameConfiguration cannot change once the pool is created (delete the pool to change them)")
	}
	cfg.Schema, cfg.MFA = p.Config.Schema, p.Config.MFA
	if sameJSON(p.Config, cfg) {
		return nil
	}
	return s.savePoolConfig(ctx, p, cfg)
}

func (s *Service) declareClient(ctx context.Context, p *pool, d DeclaredClient) error {
	cfg, err := normalizeClientConfig(p, d.Settings.ClientConfig)
	if err != nil {
		return err
	}
	if err := s.checkOAuthSettings(ctx, p, cfg, d.Settings.GenerateSecret); err != nil {
		return err
	}
	id := DeclaredClientID(p.ID, d.Name)
	c, err := s.loadClient(ctx, p.ID, id)
	if isCode(err, awserr.ResourceNotFound) {
		if _, err = s.createClient(ctx, p, id, d.Name, d.Settings.GenerateSecret, cfg); err == nil || errors.Is(err, store.ErrAlreadyExists) {
			c, err = s.loadClient(ctx, p.ID, id)
		}
	}
	if err != nil {
		return err
	}
	if (c.Secret != "") != d.Settings.GenerateSecret {
		return errors.New("settings.GenerateSecret: a client's secret cannot be added or removed once the client is created (declare a client of another name)")
	}
	if c.Name == d.Name && sameJSON(c.Config, cfg) {
		return nil
	}
	settings, err := json.Marshal(cfg)
	if err != nil {
		return awserr.Internal(err)
	}
	return storeErr(s.store.UpdateClient(ctx, p.ID, id, func(old store.Client) (store.Client, error) {
		old.Name, old.Settings, old.UpdatedAt = d.Name, settings, s.clock()
		return old, nil
	}), clientNotFound(id))
}

// declareGroup creates the group or sets exactly its description, role
// and precedence.
func (s *Service) declareGroup(ctx context.Context, p *pool, d DeclaredGroup) error {
	want := store.Group{PoolID: p.ID, Name: d.Name, Description: d.Description, RoleARN: d.Role, Precedence: d.Precedence}
	have, err := s.store.GetGroup(ctx, p.ID, d.Name)
	if errors.Is(err, store.ErrNotFound) {
		want.CreatedAt, want.UpdatedAt = s.clock(), s.clock()
		if err = s.store.CreateGroup(ctx, want); !errors.Is(err, store.ErrAlreadyExists) {
			return storeErr(err, poolNotFound(p.ID))
		}
		have, err = s.store.GetGroup(ctx, p.ID, d.Name)
	}
	if err != nil {
		return storeErr(err, groupNotFound())
	}
	if have.Description == want.Description && have.RoleARN == want.RoleARN && sameJSON(have.Precedence, want.Precedence) {
		return nil
	}
	return storeErr(s.store.UpdateGroup(ctx, p.ID, d.Name, func(g store.Group) (store.Group, error) {
		g.Description, g.RoleARN, g.Precedence, g.UpdatedAt = want.Description, want.RoleARN, want.Precedence, s.clock()
		return g, nil
	}), groupNotFound())
}

// declareUser creates the user with its password, or brings its declared
// attributes back to the file's; then makes its groups the file's. field
// names the setting an error is about.
func (s *Service) declareUser(ctx context.Context, p *pool, d DeclaredUser) (field string, err error) {
	_, u, err := s.adminUser(ctx, p.ID, d.Username)
	switch {
	case isCode(err, awserr.UserNotFound):
		if field, err := s.createDeclaredUser(ctx, p, d); err != nil {
			return field, err
		}
		if _, u, err = s.adminUser(ctx, p.ID, d.Username); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	default:
		var changed []AttributeType
		for _, a := range d.attributes() {
			if u.Attributes[a.Name] != a.Value {
				changed = append(changed, a)
			}
		}
		if len(changed) > 0 {
			if u, err = s.setAttributes(ctx, p, u, changed, "AdminUpdateUserAttributes"); err != nil {
				return "attributes", err
			}
		}
	}
	return "groups", s.declareMemberships(ctx, p, u, d.Groups)
}

func (s *Service) createDeclaredUser(ctx context.Context, p *pool, d DeclaredUser) (field string, err error) {
	pw, field, err := d.password()
	if err != nil {
		return field, err
	}
	_, err = s.AdminCreateUser(ctx, &AdminCreateUserInput{
		UserPoolId: p.ID, Username: d.Username, UserAttributes: d.attributes(), TemporaryPassword: pw, MessageAction: "SUPPRESS",
	})
	if isCode(err, awserr.UsernameExists) {
		return "", nil // another replica created it a moment ago
	}
	if err != nil {
		return field, err
	}
	_, err = s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: p.ID, Username: d.Username, Password: pw, Permanent: true})
	return field, err
}

// declareMemberships makes u's groups exactly groups.
func (s *Service) declareMemberships(ctx context.Context, p *pool, u store.User, groups []string) error {
	current, err := s.store.ListGroupsForUser(ctx, p.ID, u.Key)
	if err != nil {
		return awserr.Internal(err)
	}
	var have []string
	for _, g := range current {
		have = append(have, g.Name)
		if !slices.Contains(groups, g.Name) {
			if err := s.users.setMembership(ctx, u, g.Name, false, change{kind: removedFromGroup, operation: "AdminRemoveUserFromGroup", group: g.Name}); err != nil {
				return storeErr(err, groupNotFound())
			}
		}
	}
	for _, g := range groups {
		if !slices.Contains(have, g) {
			if err := s.users.setMembership(ctx, u, g, true, change{kind: addedToGroup, operation: "AdminAddUserToGroup", group: g}); err != nil {
				return storeErr(err, groupNotFound())
			}
		}
	}
	return nil
}

func sameJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

func isCode(err error, code string) bool {
	e, ok := awserr.As(err)
	return ok && e.Code == code
}

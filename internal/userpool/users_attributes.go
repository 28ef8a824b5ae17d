package userpool

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

type AdminUpdateUserAttributesInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	UserAttributes []AttributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminUpdateUserAttributes sets attributes. Changing email or phone marks it
// unverified unless the same call sets its *_verified flag, as Cognito does.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *AdminUpdateUserAttributesInput) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.setAttributes(ctx, p, u, in.UserAttributes, "AdminUpdateUserAttributes")
	return &Empty{}, err
}

// setAttributes validates and applies attribute changes, keeping verified
// aliases unique, and returns the user as stored.
func (s *Service) setAttributes(ctx context.Context, p *pool, u store.User, changes []AttributeType, operation string) (store.User, error) {
	if err := p.validateAttributes(changes, false, u.Attributes); err != nil {
		return u, err
	}
	if err := s.claimAliases(ctx, p, u.Key, applyAttributeChanges(u.Attributes, changes), false); err != nil {
		return u, err
	}
	updated, err := s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		next := applyAttributeChanges(old.Attributes, changes)
		ch := change{kind: attributesUpdated, operation: operation, attrs: changedAttributes(old.Attributes, next)}
		old.Attributes = next
		old.UpdatedAt = s.clock()
		return old, ch, nil
	})
	if err != nil {
		return u, storeErr(err, errUserNotFound)
	}
	return updated, nil
}

// changedAttributes names the attributes whose values differ between two sets.
func changedAttributes(before, after map[string]string) []string {
	var names []string
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			names = append(names, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	return names
}

func applyAttributeChanges(current map[string]string, changes []AttributeType) map[string]string {
	next := make(map[string]string, len(current)+len(changes))
	for k, v := range current {
		next[k] = v
	}
	setsFlag := func(flag string) bool {
		return slices.ContainsFunc(changes, func(a AttributeType) bool { return a.Name == flag })
	}
	for _, a := range changes {
		if (a.Name == "email" || a.Name == "phone_number") && current[a.Name] != a.Value && !setsFlag(a.Name+"_verified") {
			next[a.Name+"_verified"] = "false"
		}
		next[a.Name] = a.Value
	}
	return next
}

type AdminDeleteUserAttributesInput struct {
	UserPoolId         string   `json:"UserPoolId"`
	Username           string   `json:"Username"`
	UserAttributeNames []string `json:"UserAttributeNames"`
}

func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *AdminDeleteUserAttributesInput) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.deleteAttributes(ctx, p, u, in.UserAttributeNames, "AdminDeleteUserAttributes")
}

func (s *Service) deleteAttributes(ctx context.Context, p *pool, u store.User, names []string, operation string) (*Empty, error) {
	var unknown []string
	for _, name := range names {
		if _, ok := p.schemaAttribute(name); !ok {
			unknown = append(unknown, "user."+name+": Attribute does not exist in the schema.")
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParameter("Invalid user attributes: %s\n", strings.Join(unknown, "\n"))
	}
	for _, name := range names {
		def, _ := p.schemaAttribute(name)
		if name == "sub" || (def.Required != nil && *def.Required) {
			return nil, invalidParameter("Cannot delete a required attribute: %s", name)
		}
		if def.Mutable != nil && !*def.Mutable {
			return nil, invalidParameter("Cannot modify an immutable attribute: %s", name)
		}
	}
	_, err := s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		next := maps.Clone(old.Attributes)
		for _, name := range names {
			delete(next, name)
			if name == "email" || name == "phone_number" {
				delete(next, name+"_verified")
			}
		}
		ch := change{kind: attributesDeleted, operation: operation, attrs: changedAttributes(old.Attributes, next)}
		old.Attributes = next
		old.UpdatedAt = s.clock()
		return old, ch, nil
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}

package userpool

import (
	"context"
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
	_, err = s.setAttributes(ctx, p, u, in.UserAttributes)
	return &Empty{}, err
}

// setAttributes validates and applies attribute changes, keeping verified
// aliases unique, and returns the user as stored.
func (s *Service) setAttributes(ctx context.Context, p *pool, u store.User, changes []AttributeType) (store.User, error) {
	if err := p.validateAttributes(changes, false, u.Attributes); err != nil {
		return u, err
	}
	if err := s.claimAliases(ctx, p, u.Key, applyAttributeChanges(u.Attributes, changes), false); err != nil {
		return u, err
	}
	err := s.store.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
		old.Attributes = applyAttributeChanges(old.Attributes, changes)
		old.UpdatedAt = s.clock()
		u = old
		return old, nil
	})
	return u, storeErr(err, errUserNotFound)
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
	var unknown []string
	for _, name := range in.UserAttributeNames {
		if _, ok := p.schemaAttribute(name); !ok {
			unknown = append(unknown, "user."+name+": Attribute does not exist in the schema.")
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParameter("Invalid user attributes: %s\n", strings.Join(unknown, "\n"))
	}
	for _, name := range in.UserAttributeNames {
		def, _ := p.schemaAttribute(name)
		if name == "sub" || (def.Required != nil && *def.Required) {
			return nil, invalidParameter("Cannot delete a required attribute: %s", name)
		}
		if def.Mutable != nil && !*def.Mutable {
			return nil, invalidParameter("Cannot modify an immutable attribute: %s", name)
		}
	}
	err = s.store.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
		for _, name := range in.UserAttributeNames {
			delete(old.Attributes, name)
			if name == "email" || name == "phone_number" {
				delete(old.Attributes, name+"_verified")
			}
		}
		old.UpdatedAt = s.clock()
		return old, nil
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}

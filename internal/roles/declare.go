package roles

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/store"
)

// Declaration is a role as the config file states it: the role and its
// complete set of inline policies.
type Declaration struct {
	RoleInput
	Policies map[string]string // policy name → JSON document
}

// Declare makes the role what d says, creating it or overwriting what the
// API changed (description, trust policy, session length, tags, inline
// policies), so the config file wins for the roles it names. Running it
// again changes nothing. A role's path is part of its ARN and cannot change.
func (s *Service) Declare(ctx context.Context, d Declaration) (store.Role, error) {
	want, err := s.newRole(d.RoleInput)
	if err != nil {
		return store.Role{}, err
	}
	want.InlinePolicies = nonNilMap(d.Policies)
	if _, err := checkPolicies(&want); err != nil {
		return store.Role{}, err
	}
	// Two replicas starting together may both try to create the role; the
	// one that loses updates what the other created.
	for range 2 {
		r, err := s.overwrite(ctx, want)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Role{}, storeError(err, want.Name)
		}
		err = s.store.CreateRole(ctx, want)
		if err == nil {
			s.cache.forget(want.ARN)
			return want, nil
		}
		if !errors.Is(err, store.ErrAlreadyExists) {
			return store.Role{}, storeError(err, want.Name)
		}
	}
	return store.Role{}, awserr.Internal(fmt.Errorf("role %s: created and deleted concurrently", want.Name))
}

// checkPolicies validates a declared role's inline policies, each and
// together; field names the one refused, as the config file writes it.
func checkPolicies(r *store.Role) (field string, err error) {
	for _, name := range slices.Sorted(maps.Keys(r.InlinePolicies)) {
		field := configfile.Key("policies", name)
		if err := checkPolicyName(name); err != nil {
			return field, err
		}
		if _, err := ParsePermissionPolicy(r.InlinePolicies[name]); err != nil {
			return field, fmt.Errorf("policy %s: %w", name, err)
		}
	}
	return "policies", checkInlineTotal(r)
}

// overwrite updates an existing role to want's settings; store.ErrNotFound
// when there is none.
func (s *Service) overwrite(ctx context.Context, want store.Role) (store.Role, error) {
	var got store.Role
	err := s.store.UpdateRole(ctx, want.Name, func(r store.Role) (store.Role, error) {
		if r.Path != want.Path {
			return r, awserr.Newf(ValidationError, "Role %s exists with path %s, not %s; a role's path cannot change (delete the role to move it).", r.Name, r.Path, want.Path)
		}
		r.Description, r.AssumeRolePolicy, r.MaxSessionDuration = want.Description, want.AssumeRolePolicy, want.MaxSessionDuration
		r.Tags, r.InlinePolicies = maps.Clone(want.Tags), maps.Clone(want.InlinePolicies)
		got = r
		return r, nil
	})
	if err != nil {
		return store.Role{}, err
	}
	s.cache.forget(got.ARN)
	return got, nil
}

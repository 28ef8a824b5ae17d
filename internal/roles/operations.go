package roles

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// RoleInput is what CreateRole takes; zero Path and MaxSessionDuration mean
// IAM's defaults ("/" and 3600 seconds).
type RoleInput struct {
	Name               string
	Path               string
	Description        string
	AssumeRolePolicy   string
	MaxSessionDuration int64
	Tags               map[string]string
}

// withDefaults fills in IAM's defaults for what CreateRole may omit.
func (in RoleInput) withDefaults() RoleInput {
	if in.Path == "" {
		in.Path = "/"
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = DefaultMaxSessionDuration
	}
	return in
}

// check validates in (with its defaults) as CreateRole does; field names
// the setting refused, as the config file writes it.
func (in RoleInput) check() (field string, err error) {
	for _, c := range []struct {
		field string
		err   error
	}{
		{"name", CheckRoleName(in.Name)}, {"path", checkPath(in.Path)}, {"description", checkDescription(in.Description)},
		{"maxSessionDuration", CheckMaxSessionDuration(in.MaxSessionDuration)}, {"tags", checkTags(in.Tags)},
	} {
		if c.err != nil {
			return c.field, c.err
		}
	}
	if _, err := ParseTrustPolicy(in.AssumeRolePolicy); err != nil {
		return "assumeRolePolicy", err
	}
	return "", nil
}

// newRole validates in and builds the role it describes.
func (s *Service) newRole(in RoleInput) (store.Role, error) {
	in = in.withDefaults()
	if _, err := in.check(); err != nil {
		return store.Role{}, err
	}
	return store.Role{
		Name: in.Name, ID: newRoleID(), ARN: RoleARN(s.account, in.Path, in.Name), Path: in.Path,
		Description: in.Description, AssumeRolePolicy: in.AssumeRolePolicy, MaxSessionDuration: in.MaxSessionDuration,
		Tags: nonNilMap(in.Tags), InlinePolicies: map[string]string{}, CreatedAt: s.now().Unix(),
	}, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// CreateRole creates a role; EntityAlreadyExists when the name is taken in any case.
func (s *Service) CreateRole(ctx context.Context, in RoleInput) (store.Role, error) {
	r, err := s.newRole(in)
	if err != nil {
		return store.Role{}, err
	}
	if err := s.store.CreateRole(ctx, r); err != nil {
		return store.Role{}, storeError(err, in.Name)
	}
	s.cache.forget(r.ARN)
	return r, nil
}

// GetRole returns the named role; NoSuchEntity when there is none.
func (s *Service) GetRole(ctx context.Context, name string) (store.Role, error) {
	if err := CheckRoleName(name); err != nil {
		return store.Role{}, err
	}
	r, err := s.store.GetRole(ctx, name)
	if err != nil {
		return store.Role{}, storeError(err, name)
	}
	return r, nil
}

// ListRoles returns the roles whose path starts with pathPrefix ("" or "/"
// for all), ordered by name.
func (s *Service) ListRoles(ctx context.Context, pathPrefix string) ([]store.Role, error) {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	if err := checkPathPrefix(pathPrefix); err != nil {
		return nil, err
	}
	all, err := s.store.ListRoles(ctx)
	if err != nil {
		return nil, storeError(err, "")
	}
	return slices.DeleteFunc(all, func(r store.Role) bool { return !strings.HasPrefix(r.Path, pathPrefix) }), nil
}

// checkPathPrefix: IAM's \u002F[\u0021-\u007F]*, 1 to 512 characters.
func checkPathPrefix(prefix string) error {
	if err := checkLength(prefix, "pathPrefix", 1, maxPathLength); err != nil {
		return err
	}
	ok := prefix[0] == '/'
	for i := 0; ok && i < len(prefix); i++ {
		ok = prefix[i] >= 0x21 && prefix[i] <= 0x7f
	}
	if !ok {
		return invalid(prefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return nil
}

// DeleteRole deletes a role that has no inline policies left, as IAM
// requires (DeleteConflict otherwise).
func (s *Service) DeleteRole(ctx context.Context, name string) error {
	r, err := s.GetRole(ctx, name)
	if err != nil {
		return err
	}
	if len(r.InlinePolicies) > 0 {
		return conflict("Cannot delete entity, must delete policies first.")
	}
	if err := s.store.DeleteRole(ctx, name); err != nil {
		return storeError(err, name)
	}
	s.cache.forget(r.ARN)
	return nil
}

// update runs a validated change on the named role and drops it from the cache.
func (s *Service) update(ctx context.Context, name string, change func(*store.Role) error) error {
	if err := CheckRoleName(name); err != nil {
		return err
	}
	var arn string
	err := s.store.UpdateRole(ctx, name, func(r store.Role) (store.Role, error) {
		arn = r.ARN
		err := change(&r)
		return r, err
	})
	if err != nil {
		return storeError(err, name)
	}
	s.cache.forget(arn)
	return nil
}

// UpdateAssumeRolePolicy replaces the role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, name, doc string) error {
	if _, err := ParseTrustPolicy(doc); err != nil {
		return err
	}
	return s.update(ctx, name, func(r *store.Role) error {
		r.AssumeRolePolicy = doc
		return nil
	})
}

// PutRolePolicy adds or replaces an inline permission policy.
func (s *Service) PutRolePolicy(ctx context.Context, roleName, policyName, doc string) error {
	if err := checkPolicyName(policyName); err != nil {
		return err
	}
	if _, err := ParsePermissionPolicy(doc); err != nil {
		return err
	}
	return s.update(ctx, roleName, func(r *store.Role) error {
		r.InlinePolicies[policyName] = doc
		return checkInlineTotal(r)
	})
}

// checkInlineTotal enforces IAM's quota on a role's inline policies together.
func checkInlineTotal(r *store.Role) error {
	total := 0
	for _, doc := range r.InlinePolicies {
		total += policySize(doc)
	}
	if total > maxInlinePolicyTotal {
		return limitExceeded(fmt.Sprintf("Maximum policy size of %d bytes exceeded for role %s", maxInlinePolicyTotal, r.Name))
	}
	return nil
}

// GetRolePolicy returns an inline policy's document as it was put.
func (s *Service) GetRolePolicy(ctx context.Context, roleName, policyName string) (string, error) {
	if err := checkPolicyName(policyName); err != nil {
		return "", err
	}
	r, err := s.GetRole(ctx, roleName)
	if err != nil {
		return "", err
	}
	doc, ok := r.InlinePolicies[policyName]
	if !ok {
		return "", noSuchRolePolicy(policyName)
	}
	return doc, nil
}

// ListRolePolicies returns the names of the role's inline policies, sorted.
func (s *Service) ListRolePolicies(ctx context.Context, roleName string) ([]string, error) {
	r, err := s.GetRole(ctx, roleName)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(r.InlinePolicies)), nil
}

// DeleteRolePolicy removes an inline policy; NoSuchEntity when it is not there.
func (s *Service) DeleteRolePolicy(ctx context.Context, roleName, policyName string) error {
	if err := checkPolicyName(policyName); err != nil {
		return err
	}
	return s.update(ctx, roleName, func(r *store.Role) error {
		if _, ok := r.InlinePolicies[policyName]; !ok {
			return noSuchRolePolicy(policyName)
		}
		delete(r.InlinePolicies, policyName)
		return nil
	})
}

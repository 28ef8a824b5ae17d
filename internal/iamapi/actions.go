package iamapi

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
)

// action runs one IAM action; a nil result means the answer has no Result element.
type action func(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error)

// actions is the IAM subset moat serves.
var actions = map[string]action{
	"CreateRole":             createRole,
	"GetRole":                getRole,
	"ListRoles":              listRoles,
	"DeleteRole":             deleteRole,
	"UpdateAssumeRolePolicy": updateAssumeRolePolicy,
	"PutRolePolicy":          putRolePolicy,
	"GetRolePolicy":          getRolePolicy,
	"ListRolePolicies":       listRolePolicies,
	"DeleteRolePolicy":       deleteRolePolicy,
}

func createRole(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	name, err := q.Required("RoleName", "roleName")
	if err != nil {
		return nil, err
	}
	doc, err := q.Required("AssumeRolePolicyDocument", "assumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	maxSession, err := q.Int("MaxSessionDuration", "maxSessionDuration")
	if err != nil {
		return nil, err
	}
	if q.Get("MaxSessionDuration") != "" {
		if err := roles.CheckMaxSessionDuration(maxSession); err != nil {
			return nil, err // checked here too: an explicit 0 is out of range, not the default
		}
	}
	tags, err := decodeTags(q)
	if err != nil {
		return nil, err
	}
	r, err := svc.CreateRole(ctx, roles.RoleInput{
		Name: name, Path: q.Get("Path"), Description: q.Get("Description"),
		AssumeRolePolicy: doc, MaxSessionDuration: maxSession, Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleShape(r, true)}, nil
}

// decodeTags reads Tags.member.N.Key/Value. Keys are unique regardless of
// case, as in IAM.
func decodeTags(q *awsapi.Query) (map[string]string, error) {
	members, err := q.Structs("Tags")
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	seen := map[string]bool{}
	for _, m := range members {
		key, ok := m["Key"]
		if !ok {
			return nil, awserr.New("ValidationError", "1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null")
		}
		if seen[strings.ToLower(key)] {
			return nil, awserr.New("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(key)] = true
		tags[key] = m["Value"]
	}
	return tags, nil
}

func getRole(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	name, err := q.Required("RoleName", "roleName")
	if err != nil {
		return nil, err
	}
	r, err := svc.GetRole(ctx, name)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleShape(r, true)}, nil
}

func listRoles(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	all, err := svc.ListRoles(ctx, q.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(q, all, func(r store.Role) string { return r.Name })
	if err != nil {
		return nil, err
	}
	out := listRolesResult{Roles: []roleXML{}, IsTruncated: next != "", Marker: next}
	for _, r := range page {
		out.Roles = append(out.Roles, roleShape(r, false))
	}
	return out, nil
}

func deleteRole(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	name, err := q.Required("RoleName", "roleName")
	if err != nil {
		return nil, err
	}
	return nil, svc.DeleteRole(ctx, name)
}

func updateAssumeRolePolicy(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	name, err := q.Required("RoleName", "roleName")
	if err != nil {
		return nil, err
	}
	doc, err := q.Required("PolicyDocument", "policyDocument")
	if err != nil {
		return nil, err
	}
	return nil, svc.UpdateAssumeRolePolicy(ctx, name, doc)
}

// rolePolicyParams reads RoleName and PolicyName, which the inline-policy actions share.
func rolePolicyParams(q *awsapi.Query) (roleName, policyName string, err error) {
	if roleName, err = q.Required("RoleName", "roleName"); err != nil {
		return "", "", err
	}
	policyName, err = q.Required("PolicyName", "policyName")
	return roleName, policyName, err
}

func putRolePolicy(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	roleName, policyName, err := rolePolicyParams(q)
	if err != nil {
		return nil, err
	}
	doc, err := q.Required("PolicyDocument", "policyDocument")
	if err != nil {
		return nil, err
	}
	return nil, svc.PutRolePolicy(ctx, roleName, policyName, doc)
}

func getRolePolicy(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	roleName, policyName, err := rolePolicyParams(q)
	if err != nil {
		return nil, err
	}
	doc, err := svc.GetRolePolicy(ctx, roleName, policyName)
	if err != nil {
		return nil, err
	}
	return getRolePolicyResult{RoleName: roleName, PolicyName: policyName, PolicyDocument: encodeDocument(doc)}, nil
}

func listRolePolicies(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	roleName, err := q.Required("RoleName", "roleName")
	if err != nil {
		return nil, err
	}
	names, err := svc.ListRolePolicies(ctx, roleName)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(q, names, func(n string) string { return n })
	if err != nil {
		return nil, err
	}
	return listRolePoliciesResult{PolicyNames: append([]string{}, page...), IsTruncated: next != "", Marker: next}, nil
}

func deleteRolePolicy(ctx context.Context, svc *roles.Service, q *awsapi.Query) (any, error) {
	roleName, policyName, err := rolePolicyParams(q)
	if err != nil {
		return nil, err
	}
	return nil, svc.DeleteRolePolicy(ctx, roleName, policyName)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

package sqlstore

import (
	"context"
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// roleKey is how roles are keyed: IAM role names are unique regardless of case.
func roleKey(name string) string { return strings.ToLower(name) }

var roles = &table[store.Role]{
	name: "roles", what: "role",
	keys: []string{"name_key"},
	columns: []string{"name_key", "name", "id", "arn", "path", "description", "assume_role_policy",
		"max_session_duration", "tags", "inline_policies", "created_at"},
	row: func(r store.Role) []any {
		return []any{roleKey(r.Name), r.Name, r.ID, r.ARN, r.Path, r.Description, r.AssumeRolePolicy, r.MaxSessionDuration,
			marshalColumn(nonNil(r.Tags)), marshalColumn(nonNil(r.InlinePolicies)), r.CreatedAt}
	},
	scan:   scanRole,
	frozen: func(r store.Role) []any { return []any{r.Name, r.ARN, r.ID} }, frozenNames: "Name, ARN or ID",
}

func scanRole(row scanner) (store.Role, error) {
	var r store.Role
	var nameKey string
	var tags, policies []byte
	if err := row.Scan(&nameKey, &r.Name, &r.ID, &r.ARN, &r.Path, &r.Description, &r.AssumeRolePolicy, &r.MaxSessionDuration, &tags, &policies, &r.CreatedAt); err != nil {
		return r, err
	}
	r.Tags, r.InlinePolicies = map[string]string{}, map[string]string{}
	return r, errors.Join(unmarshalColumn(tags, &r.Tags), unmarshalColumn(policies, &r.InlinePolicies))
}

// nonNil keeps "no entries" one value in the JSON columns ({} rather than null).
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func (s *Store) CreateRole(ctx context.Context, r store.Role) error {
	return roles.insert(ctx, s.writer(), r)
}

func (s *Store) GetRole(ctx context.Context, name string) (store.Role, error) {
	return roles.get(ctx, s.reader(), "", roleKey(name))
}

func (s *Store) GetRoleByARN(ctx context.Context, arn string) (store.Role, error) {
	return roles.find(ctx, s.reader(), "role "+arn, `arn = ?`, arn)
}

func (s *Store) ListRoles(ctx context.Context) ([]store.Role, error) {
	return roles.list(ctx, s.reader(), "", "name")
}

func (s *Store) UpdateRole(ctx context.Context, name string, update func(store.Role) (store.Role, error)) error {
	return roles.update(ctx, s, []any{roleKey(name)}, update)
}

func (s *Store) DeleteRole(ctx context.Context, name string) error {
	return roles.delete(ctx, s.writer(), roleKey(name))
}

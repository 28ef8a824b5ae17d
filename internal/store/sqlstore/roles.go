package sqlstore

import (
	"context"
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

const roleColumns = `name, id, arn, path, description, assume_role_policy, max_session_duration, tags, inline_policies, created_at`

// roleKey is how roles are keyed: IAM role names are unique regardless of case.
func roleKey(name string) string { return strings.ToLower(name) }

func scanRole(row scanner) (store.Role, error) {
	var r store.Role
	var tags, policies []byte
	if err := row.Scan(&r.Name, &r.ID, &r.ARN, &r.Path, &r.Description, &r.AssumeRolePolicy, &r.MaxSessionDuration, &tags, &policies, &r.CreatedAt); err != nil {
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
	_, err := s.writer().exec(ctx, `INSERT INTO roles (name_key, `+roleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		roleKey(r.Name), r.Name, r.ID, r.ARN, r.Path, r.Description, r.AssumeRolePolicy, r.MaxSessionDuration,
		marshalColumn(nonNil(r.Tags)), marshalColumn(nonNil(r.InlinePolicies)), r.CreatedAt)
	return constraintError(err, "role "+r.Name)
}

func (s *Store) GetRole(ctx context.Context, name string) (store.Role, error) {
	return getRole(ctx, s.reader(), name, "")
}

func getRole(ctx context.Context, c conn, name, lock string) (store.Role, error) {
	r, err := scanRole(c.queryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE name_key = ?`+lock, roleKey(name)))
	return r, notFound(err, "role "+name)
}

func (s *Store) GetRoleByARN(ctx context.Context, arn string) (store.Role, error) {
	r, err := scanRole(s.reader().queryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE arn = ?`, arn))
	return r, notFound(err, "role "+arn)
}

func (s *Store) ListRoles(ctx context.Context) ([]store.Role, error) {
	rows, err := s.reader().query(ctx, `SELECT `+roleColumns+` FROM roles ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRole)
}

func (s *Store) UpdateRole(ctx context.Context, name string, update func(store.Role) (store.Role, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getRole(ctx, tx, name, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		r, err := update(old)
		if err != nil {
			return err
		}
		if r.Name != old.Name || r.ARN != old.ARN || r.ID != old.ID {
			return keyChanged("role "+name, "Name, ARN or ID")
		}
		_, err = tx.exec(ctx, `UPDATE roles SET path = ?, description = ?, assume_role_policy = ?, max_session_duration = ?, tags = ?, inline_policies = ?, created_at = ? WHERE name_key = ?`,
			r.Path, r.Description, r.AssumeRolePolicy, r.MaxSessionDuration,
			marshalColumn(nonNil(r.Tags)), marshalColumn(nonNil(r.InlinePolicies)), r.CreatedAt, roleKey(name))
		return err
	})
}

func (s *Store) DeleteRole(ctx context.Context, name string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM roles WHERE name_key = ?`, roleKey(name))
	return expectOne(res, err, "role "+name)
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

// AddUserToGroup adds the membership; it is not an error if it exists. A
// missing user or group is ErrNotFound.
func (s *Store) AddUserToGroup(ctx context.Context, poolID, userKey, group string) error {
	_, err := s.writer().exec(ctx, `INSERT INTO group_members (pool_id, group_name, user_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		poolID, group, userKey)
	return constraintError(err, "membership of "+userKey+" in "+group)
}

// RemoveUserFromGroup drops the membership; it is not an error if there was
// none, but a missing user or group is ErrNotFound.
func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, userKey, group string) error {
	w := s.writer()
	res, err := w.exec(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND user_key = ?`, poolID, group, userKey)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if err := requireParent(ctx, w, "user "+userKey, userExists, poolID, userKey); err != nil {
		return err
	}
	return requireParent(ctx, w, "group "+group, groupExists, poolID, group)
}

// ListGroupsForUser orders by precedence, groups without one last, then by name.
func (s *Store) ListGroupsForUser(ctx context.Context, poolID, userKey string) ([]store.Group, error) {
	return groups.listUnder(ctx, s.reader(), "user "+userKey, userExists, []any{poolID, userKey},
		`pool_id = ? AND name IN (SELECT group_name FROM group_members WHERE pool_id = ? AND user_key = ?)`,
		`precedence IS NULL, precedence, name`, poolID, poolID, userKey)
}

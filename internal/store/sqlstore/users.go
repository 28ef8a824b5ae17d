package sqlstore

import (
	"context"
	"sort"

	"github.com/moat-dev/moat/internal/store"
)

const userColumns = `pool_id, user_key, username, sub, status, enabled, password_hash, state, created_at, updated_at`

// CreateUser stores u and its attributes. A taken Key or Sub is
// ErrAlreadyExists; a missing pool is ErrNotFound.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.inTx(ctx, func(tx conn) error {
		_, err := tx.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.PoolID, u.Key, u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash, u.State, u.CreatedAt, u.UpdatedAt)
		if err != nil {
			return constraintError(err, "user "+u.Key)
		}
		return insertAttributes(ctx, tx, u.PoolID, u.Key, u.Attributes)
	})
}

func (s *Store) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	return getUser(ctx, s.reader(), poolID, key)
}

func getUser(ctx context.Context, c conn, poolID, key string) (store.User, error) {
	return oneUser(queryUsers(ctx, c, `pool_id = ? AND user_key = ?`, []any{poolID, key}, 0))
}

func (s *Store) GetUserBySub(ctx context.Context, poolID, sub string) (store.User, error) {
	return oneUser(queryUsers(ctx, s.reader(), `pool_id = ? AND sub = ?`, []any{poolID, sub}, 0))
}

// UpdateUser rewrites the user row and its attributes from what update returns.
func (s *Store) UpdateUser(ctx context.Context, poolID, key string, update func(store.User) (store.User, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := requireParent(ctx, tx, "user "+key, userExists+s.dialect.forUpdate, poolID, key); err != nil {
			return err
		}
		old, err := getUser(ctx, tx, poolID, key)
		if err != nil {
			return err
		}
		u, err := update(old)
		if err != nil {
			return err
		}
		if u.PoolID != old.PoolID || u.Key != old.Key {
			return keyChanged("user "+key, "PoolID or Key")
		}
		_, err = tx.exec(ctx, `UPDATE users SET username = ?, sub = ?, status = ?, enabled = ?, password_hash = ?, state = ?, created_at = ?, updated_at = ? WHERE pool_id = ? AND user_key = ?`,
			u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash, u.State, u.CreatedAt, u.UpdatedAt, poolID, key)
		if err != nil {
			return constraintError(err, "user "+key)
		}
		if _, err := tx.exec(ctx, `DELETE FROM user_attributes WHERE pool_id = ? AND user_key = ?`, poolID, key); err != nil {
			return err
		}
		return insertAttributes(ctx, tx, poolID, key, u.Attributes)
	})
}

// CountUsers counts the pool's users in the database, reading none of them.
func (s *Store) CountUsers(ctx context.Context, poolID string) (int64, error) {
	r := s.reader()
	var n int64
	if err := r.queryRow(ctx, `SELECT count(*) FROM users WHERE pool_id = ?`, poolID).Scan(&n); err != nil || n > 0 {
		return n, err
	}
	return 0, requireParent(ctx, r, "user pool "+poolID, poolExists, poolID)
}

func (s *Store) DeleteUser(ctx context.Context, poolID, key string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM users WHERE pool_id = ? AND user_key = ?`, poolID, key)
	return expectOne(res, err, "user "+key)
}

// insertAttributes writes a user's attributes in one statement.
func insertAttributes(ctx context.Context, c conn, poolID, key string, attrs map[string]string) error {
	if len(attrs) == 0 {
		return nil
	}
	return insertAttributeRows(ctx, c, attributeRows(poolID, key, attrs))
}

// attributeRows are a user's attribute rows, by name.
func attributeRows(poolID, key string, attrs map[string]string) [][4]any {
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	rows := make([][4]any, 0, len(names))
	for _, name := range names {
		rows = append(rows, [4]any{poolID, key, name, attrs[name]})
	}
	return rows
}

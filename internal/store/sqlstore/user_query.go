package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/moat-dev/moat/internal/store"
)

// queryUsers loads the users matching where (over the users table's own
// columns), ordered by key and at most limit of them when limit > 0, with
// their attributes, in one statement: one round trip and one snapshot.
func queryUsers(ctx context.Context, c conn, where string, args []any, limit int) ([]store.User, error) {
	page := `SELECT ` + userColumns + ` FROM users WHERE ` + where + ` ORDER BY user_key`
	if limit > 0 {
		page += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := c.query(ctx, `SELECT u.*, a.name, a.value FROM (`+page+`) u
		LEFT JOIN user_attributes a ON a.pool_id = u.pool_id AND a.user_key = u.user_key
		ORDER BY u.user_key, a.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		var u store.User
		var name, value sql.NullString
		if err := rows.Scan(&u.PoolID, &u.Key, &u.Username, &u.Sub, &u.Status, &u.Enabled, &u.PasswordHash, &u.State,
			&u.CreatedAt, &u.UpdatedAt, &name, &value); err != nil {
			return nil, err
		}
		if n := len(users); n == 0 || users[n-1].Key != u.Key {
			u.Attributes = map[string]string{}
			users = append(users, u)
		}
		if name.Valid {
			users[len(users)-1].Attributes[name.String] = value.String
		}
	}
	return users, rows.Err()
}

func oneUser(users []store.User, err error) (store.User, error) {
	if err != nil {
		return store.User{}, err
	}
	if len(users) == 0 {
		return store.User{}, fmt.Errorf("user: %w", store.ErrNotFound)
	}
	return users[0], nil
}

func (s *Store) FindUsersByAttribute(ctx context.Context, poolID, name, value string) ([]store.User, error) {
	r := s.reader()
	users, err := queryUsers(ctx, r, `pool_id = ? AND user_key IN (SELECT user_key FROM user_attributes WHERE pool_id = ? AND name = ? AND value = ?)`,
		[]any{poolID, poolID, name, value}, 0)
	if err != nil || len(users) > 0 {
		return users, err
	}
	return users, requireParent(ctx, r, "user pool "+poolID, poolExists, poolID)
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string) ([]store.User, error) {
	r := s.reader()
	users, err := queryUsers(ctx, r, `pool_id = ? AND user_key IN (SELECT user_key FROM group_members WHERE pool_id = ? AND group_name = ?)`,
		[]any{poolID, poolID, group}, 0)
	if err != nil || len(users) > 0 {
		return users, err
	}
	return users, requireParent(ctx, r, "group "+group, groupExists, poolID, group)
}

// ListUsers pages through a pool's users by key, optionally filtered. Values
// compare case-sensitively; a prefix counts characters on both engines.
func (s *Store) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, error) {
	r := s.reader()
	where := []string{`pool_id = ?`}
	args := []any{q.PoolID}
	if q.AfterKey != "" {
		where = append(where, `user_key > ?`)
		args = append(args, q.AfterKey)
	}
	if q.Attribute != "" {
		cond, condArgs, possible := userFilter(q)
		if !possible {
			return []store.User{}, requireParent(ctx, r, "user pool "+q.PoolID, poolExists, q.PoolID)
		}
		if cond != "" {
			where = append(where, cond)
			args = append(args, condArgs...)
		}
	}
	users, err := queryUsers(ctx, r, strings.Join(where, " AND "), args, q.Limit)
	if err != nil || len(users) > 0 {
		return users, err
	}
	return users, requireParent(ctx, r, "user pool "+q.PoolID, poolExists, q.PoolID)
}

// userFilter is the SQL condition for q's filter. possible is false when no
// user can match (a "status" other than Enabled/Disabled); cond is empty when
// every user does.
func userFilter(q store.UserQuery) (cond string, args []any, possible bool) {
	switch q.Attribute {
	case "username":
		cond, args = valueMatch("username", q)
		return cond, args, true
	case "cognito:user_status":
		cond, args = valueMatch("status", q)
		return cond, args, true
	case "status":
		return enabledFilter(q)
	}
	match, matchArgs := valueMatch("value", q)
	return `user_key IN (SELECT user_key FROM user_attributes WHERE pool_id = ? AND name = ? AND ` + match + `)`,
		append([]any{q.PoolID, q.Attribute}, matchArgs...), true
}

// valueMatch compares column with q.Value: equality, or a prefix test that
// both engines evaluate the same way (substr counts characters in each).
func valueMatch(column string, q store.UserQuery) (string, []any) {
	if q.Prefix {
		return `substr(` + column + `, 1, ?) = ?`, []any{utf8.RuneCountInString(q.Value), q.Value}
	}
	return column + ` = ?`, []any{q.Value}
}

// enabledFilter maps the pseudo-attribute "status" onto the enabled column by
// testing the two words it can hold in Go.
func enabledFilter(q store.UserQuery) (cond string, args []any, possible bool) {
	matches := func(word string) bool {
		if q.Prefix {
			return strings.HasPrefix(word, q.Value)
		}
		return word == q.Value
	}
	enabled, disabled := matches("Enabled"), matches("Disabled")
	switch {
	case enabled && disabled:
		return "", nil, true
	case enabled || disabled:
		return `enabled = ?`, []any{enabled}, true
	}
	return "", nil, false
}

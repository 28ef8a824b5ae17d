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
// columns), ordered by key and at most limit of them when limit > 0.
func queryUsers(ctx context.Context, c conn, where string, args []any, limit int) ([]store.User, error) {
	page := keyPage(where)
	if limit > 0 {
		page += ` LIMIT ?`
		args = append(args, limit)
	}
	return loadUsers(ctx, c, page, args)
}

// keyPage selects the users where holds, by key.
func keyPage(where string) string {
	return `SELECT ` + userColumns + `, '' AS sort_value FROM users WHERE ` + where + ` ORDER BY user_key`
}

// withAttributes is the statement reading page's users with their attributes.
func withAttributes(page string) string {
	return `SELECT u.pool_id, u.user_key, u.username, u.sub, u.status, u.enabled, u.password_hash, u.state,
		u.created_at, u.updated_at, a.name, a.value FROM (` + page + `) u
		LEFT JOIN user_attributes a ON a.pool_id = u.pool_id AND a.user_key = u.user_key
		ORDER BY u.sort_value, u.user_key, a.name`
}

// loadUsers reads the users of page (a SELECT of userColumns and a
// sort_value, in its order) with their attributes, in one statement: one
// round trip and one snapshot.
func loadUsers(ctx context.Context, c conn, page string, args []any) ([]store.User, error) {
	rows, err := c.query(ctx, withAttributes(page), args...)
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

// ListUsers pages through a pool's users, optionally filtered. Values
// compare bytewise on both engines. A filter on a value lists by that
// value, then key, so an equality or a prefix is one ordered range of an
// index, whatever the pool's size; no filter (or "status") lists by key.
func (s *Store) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, error) {
	r := s.reader()
	page, args, possible := userPage(q)
	if !possible {
		return []store.User{}, requireParent(ctx, r, "user pool "+q.PoolID, poolExists, q.PoolID)
	}
	users, err := loadUsers(ctx, r, page, args)
	if err != nil || len(users) > 0 {
		return users, err
	}
	return users, requireParent(ctx, r, "user pool "+q.PoolID, poolExists, q.PoolID)
}

// userPage is the page query of q. possible is false when no user can
// match (a "status" other than Enabled/Disabled).
func userPage(q store.UserQuery) (page string, args []any, possible bool) {
	from, sortBy := `users u`, ``
	where := []string{`u.pool_id = ?`}
	args = []any{q.PoolID}
	switch q.Attribute {
	case "":
	case "status":
		cond, condArgs, possible := enabledFilter(q)
		if !possible {
			return "", nil, false
		}
		if cond != "" {
			where, args = append(where, cond), append(args, condArgs...)
		}
	case "username":
		sortBy = `u.username`
	case "cognito:user_status":
		sortBy = `u.status`
	default:
		from, sortBy = `user_attributes f JOIN users u ON u.pool_id = f.pool_id AND u.user_key = f.user_key`, `f.value`
		where, args = []string{`f.pool_id = ?`, `f.name = ?`}, []any{q.PoolID, q.Attribute}
	}
	// The key is the filtered table's own, so the index's order serves.
	key := `u.user_key`
	if sortBy == `f.value` {
		key = `f.user_key`
	}
	order := key
	if sortBy == "" {
		if q.AfterKey != "" {
			where, args = append(where, key+` > ?`), append(args, q.AfterKey)
		}
	} else {
		order = sortBy + `, ` + key
		cond, condArgs := valueRange(sortBy, q)
		where, args = append(where, cond...), append(args, condArgs...)
		if q.AfterKey != "" {
			where, args = append(where, `(`+sortBy+`, `+key+`) > (?, ?)`), append(args, q.AfterValue, q.AfterKey)
		}
	}
	sortValue := `''`
	if sortBy != "" {
		sortValue = sortBy
	}
	page = `SELECT u.pool_id, u.user_key, u.username, u.sub, u.status, u.enabled, u.password_hash, u.state, u.created_at, u.updated_at, ` +
		sortValue + ` AS sort_value FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order
	if q.Limit > 0 {
		page += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return page, args, true
}

// valueRange bounds column to q.Value, or to the values starting with it:
// from the prefix to the prefix with its last character's successor, an
// index range in bytewise order (UTF-8 keeps code-point order).
func valueRange(column string, q store.UserQuery) ([]string, []any) {
	if !q.Prefix {
		return []string{column + ` = ?`}, []any{q.Value}
	}
	conds, args := []string{column + ` >= ?`}, []any{q.Value}
	if next, ok := prefixSuccessor(q.Value); ok {
		conds, args = append(conds, column+` < ?`), append(args, next)
	}
	return conds, args
}

// prefixSuccessor is the least string above every string starting with
// prefix; ok is false when there is none (empty, or only U+10FFFF).
func prefixSuccessor(prefix string) (string, bool) {
	runes := []rune(prefix)
	for len(runes) > 0 {
		last := runes[len(runes)-1]
		runes = runes[:len(runes)-1]
		switch {
		case last == utf8.MaxRune:
			continue
		case last == 0xD7FF: // the surrogates are no characters
			return string(append(runes, 0xE000)), true
		default:
			return string(append(runes, last+1)), true
		}
	}
	return "", false
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
		return `u.enabled = ?`, []any{enabled}, true
	}
	return "", nil, false
}

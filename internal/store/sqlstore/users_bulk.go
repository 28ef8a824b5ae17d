package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// Statements in bulk stay well under both engines' limit on bound
// parameters (SQLite 32766, PostgreSQL 65535).
const (
	usersPerInsert      = 500
	attributesPerInsert = 2000
)

// CreateUsers stores, in one transaction, each of users whose Key and Sub
// are free, with its attributes, and returns the keys it stored. A missing
// pool is ErrNotFound and stores nothing.
func (s *Store) CreateUsers(ctx context.Context, users []store.User) ([]string, error) {
	var stored []string
	err := s.inTx(ctx, func(tx conn) error {
		stored = stored[:0]
		created := map[string]bool{}
		for start := 0; start < len(users); start += usersPerInsert {
			keys, err := insertUsersOnce(ctx, tx, users[start:min(start+usersPerInsert, len(users))])
			if err != nil {
				return err
			}
			for _, k := range keys {
				created[k] = true
			}
		}
		var attrs [][4]any
		for _, u := range users {
			if !created[u.Key] {
				continue
			}
			delete(created, u.Key) // a key given twice is stored once, with its first attributes
			stored = append(stored, u.Key)
			attrs = append(attrs, attributeRows(u.PoolID, u.Key, u.Attributes)...)
		}
		for start := 0; start < len(attrs); start += attributesPerInsert {
			if err := insertAttributeRows(ctx, tx, attrs[start:min(start+attributesPerInsert, len(attrs))]); err != nil {
				return err
			}
		}
		return nil
	})
	return stored, err
}

// insertUsersOnce inserts the users rows, skipping any whose key or sub is
// taken, and returns the keys inserted.
func insertUsersOnce(ctx context.Context, tx conn, users []store.User) ([]string, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO users (` + userColumns + `) VALUES `)
	args := make([]any, 0, 10*len(users))
	for i, u := range users {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, u.PoolID, u.Key, u.Username, u.Sub, u.Status, u.Enabled, u.PasswordHash, u.State, u.CreatedAt, u.UpdatedAt)
	}
	q.WriteString(` ON CONFLICT DO NOTHING RETURNING user_key`)
	rows, err := tx.query(ctx, q.String(), args...)
	if err != nil {
		return nil, constraintError(err, "user pool "+users[0].PoolID)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, constraintError(rows.Err(), "user pool "+users[0].PoolID)
}

func insertAttributeRows(ctx context.Context, tx conn, rows [][4]any) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO user_attributes (pool_id, user_key, name, value) VALUES `)
	args := make([]any, 0, 4*len(rows))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
		args = append(args, r[:]...)
	}
	_, err := tx.exec(ctx, q.String(), args...)
	return err
}

// FindUsersByAttributeValues is FindUsersByAttribute for many values at
// once: the users whose attribute name equals one of values. The keys come
// first, from the value index alone (one probe per value, a plan no
// engine gets wrong, however many values), then only those users.
func (s *Store) FindUsersByAttributeValues(ctx context.Context, poolID, name string, values []string) ([]store.User, error) {
	r := s.reader()
	found := []store.User{}
	for start := 0; start < len(values); start += attributesPerInsert {
		chunk := values[start:min(start+attributesPerInsert, len(values))]
		args := append(slices.Clone(s.dialect.planEach), poolID, name)
		for _, v := range chunk {
			args = append(args, v)
		}
		rows, err := r.query(ctx, `SELECT DISTINCT user_key FROM user_attributes WHERE pool_id = ? AND name = ? AND value IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		keys, err := collect(rows, func(row scanner) (k string, err error) { return k, row.Scan(&k) })
		if err != nil || len(keys) == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		keyArgs := append(slices.Clone(s.dialect.planEach), poolID)
		for _, k := range keys {
			keyArgs = append(keyArgs, k)
		}
		users, err := queryUsers(ctx, r, `pool_id = ? AND user_key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, keyArgs, 0)
		if err != nil {
			return nil, err
		}
		found = append(found, users...)
	}
	return found, nil
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var userPools = &table[store.UserPool]{
	name: "user_pools", what: "user pool",
	keys:    []string{"id"},
	columns: []string{"id", "name", "settings", "created_at", "updated_at"},
	row:     func(p store.UserPool) []any { return []any{p.ID, p.Name, p.Settings, p.CreatedAt, p.UpdatedAt} },
	scan: func(row scanner) (p store.UserPool, err error) {
		return p, row.Scan(&p.ID, &p.Name, &p.Settings, &p.CreatedAt, &p.UpdatedAt)
	},
	frozenNames: "ID",
}

func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	return userPools.insert(ctx, s.writer(), p)
}

func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	return userPools.get(ctx, s.reader(), "", id)
}

func (s *Store) ListUserPools(ctx context.Context) ([]store.UserPool, error) {
	return userPools.list(ctx, s.reader(), "", "id")
}

func (s *Store) UpdateUserPool(ctx context.Context, id string, update func(store.UserPool) (store.UserPool, error)) error {
	return userPools.update(ctx, s, []any{id}, update)
}

func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	return userPools.delete(ctx, s.writer(), id)
}

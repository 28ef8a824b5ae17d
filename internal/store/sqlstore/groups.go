package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var groups = &table[store.Group]{
	name: "user_groups", what: "group",
	keys:    []string{"pool_id", "name"},
	columns: []string{"pool_id", "name", "description", "role_arn", "precedence", "created_at", "updated_at"},
	row: func(g store.Group) []any {
		return []any{g.PoolID, g.Name, g.Description, g.RoleARN, g.Precedence, g.CreatedAt, g.UpdatedAt}
	},
	scan: func(row scanner) (g store.Group, err error) {
		return g, row.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleARN, &g.Precedence, &g.CreatedAt, &g.UpdatedAt)
	},
	frozenNames: "PoolID or Name",
}

func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	return groups.insert(ctx, s.writer(), g)
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return groups.get(ctx, s.reader(), "", poolID, name)
}

func (s *Store) ListGroups(ctx context.Context, poolID string) ([]store.Group, error) {
	return groups.listInPool(ctx, s.reader(), poolID, "name")
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, update func(store.Group) (store.Group, error)) error {
	return groups.update(ctx, s, []any{poolID, name}, update)
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	return groups.delete(ctx, s.writer(), poolID, name)
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

// clients are keyed by (pool_id, id); the ID alone is unique too (FindClient
// needs only the ID), so a duplicate in any pool is ErrAlreadyExists.
var clients = &table[store.Client]{
	name: "clients", what: "client",
	keys:    []string{"pool_id", "id"},
	columns: []string{"pool_id", "id", "name", "secret", "settings", "created_at", "updated_at"},
	row: func(c store.Client) []any {
		return []any{c.PoolID, c.ID, c.Name, c.Secret, c.Settings, c.CreatedAt, c.UpdatedAt}
	},
	scan: func(row scanner) (c store.Client, err error) {
		return c, row.Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, &c.Settings, &c.CreatedAt, &c.UpdatedAt)
	},
	frozenNames: "PoolID or ID",
	secret:      func(c *store.Client) *string { return &c.Secret }, secretColumn: "secret",
}

func (s *Store) CreateClient(ctx context.Context, c store.Client) error {
	return clients.insert(ctx, s.writer(), c)
}

func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	return clients.get(ctx, s.reader(), "", poolID, clientID)
}

func (s *Store) FindClient(ctx context.Context, clientID string) (store.Client, error) {
	return clients.find(ctx, s.reader(), "client "+clientID, `id = ?`, clientID)
}

func (s *Store) ListClients(ctx context.Context, poolID string) ([]store.Client, error) {
	return clients.listInPool(ctx, s.reader(), poolID, "id")
}

func (s *Store) UpdateClient(ctx context.Context, poolID, clientID string, update func(store.Client) (store.Client, error)) error {
	return clients.update(ctx, s, []any{poolID, clientID}, update)
}

// DeleteClient removes the client and the sessions signed in through it.
func (s *Store) DeleteClient(ctx context.Context, poolID, clientID string) error {
	return clients.delete(ctx, s.writer(), poolID, clientID)
}

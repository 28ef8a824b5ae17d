package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var resourceServers = &table[store.ResourceServer]{
	name: "resource_servers", what: "resource server",
	keys:    []string{"pool_id", "identifier"},
	columns: []string{"pool_id", "identifier", "name", "scopes", "created_at", "updated_at"},
	row: func(r store.ResourceServer) []any {
		return []any{r.PoolID, r.Identifier, r.Name, r.Scopes, r.CreatedAt, r.UpdatedAt}
	},
	scan: func(row scanner) (r store.ResourceServer, err error) {
		return r, row.Scan(&r.PoolID, &r.Identifier, &r.Name, &r.Scopes, &r.CreatedAt, &r.UpdatedAt)
	},
	frozenNames: "PoolID or Identifier",
}

func (s *Store) CreateResourceServer(ctx context.Context, r store.ResourceServer) error {
	return resourceServers.insert(ctx, s.writer(), r)
}

func (s *Store) GetResourceServer(ctx context.Context, poolID, identifier string) (store.ResourceServer, error) {
	return resourceServers.get(ctx, s.reader(), "", poolID, identifier)
}

func (s *Store) ListResourceServers(ctx context.Context, poolID string) ([]store.ResourceServer, error) {
	return resourceServers.listInPool(ctx, s.reader(), poolID, "identifier")
}

func (s *Store) UpdateResourceServer(ctx context.Context, poolID, identifier string, update func(store.ResourceServer) (store.ResourceServer, error)) error {
	return resourceServers.update(ctx, s, []any{poolID, identifier}, update)
}

func (s *Store) DeleteResourceServer(ctx context.Context, poolID, identifier string) error {
	return resourceServers.delete(ctx, s.writer(), poolID, identifier)
}

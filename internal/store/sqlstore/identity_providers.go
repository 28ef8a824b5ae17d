package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var identityProviders = &table[store.IdentityProvider]{
	name: "identity_providers", what: "identity provider",
	keys:    []string{"pool_id", "name"},
	columns: []string{"pool_id", "name", "type", "details", "mapping", "identifiers", "created_at", "updated_at"},
	row: func(p store.IdentityProvider) []any {
		return []any{p.PoolID, p.Name, p.Type, p.Details, p.Mapping, p.Identifiers, p.CreatedAt, p.UpdatedAt}
	},
	scan: func(row scanner) (p store.IdentityProvider, err error) {
		return p, row.Scan(&p.PoolID, &p.Name, &p.Type, &p.Details, &p.Mapping, &p.Identifiers, &p.CreatedAt, &p.UpdatedAt)
	},
	frozen:      func(p store.IdentityProvider) []any { return []any{p.Type} },
	frozenNames: "PoolID, Name or Type",
	secret:      func(p *store.IdentityProvider) *string { return &p.Details }, secretColumn: "details",
}

func (s *Store) CreateIdentityProvider(ctx context.Context, p store.IdentityProvider) error {
	return identityProviders.insert(ctx, s.writer(), p)
}

func (s *Store) GetIdentityProvider(ctx context.Context, poolID, name string) (store.IdentityProvider, error) {
	return identityProviders.get(ctx, s.reader(), "", poolID, name)
}

func (s *Store) ListIdentityProviders(ctx context.Context, poolID string) ([]store.IdentityProvider, error) {
	return identityProviders.listInPool(ctx, s.reader(), poolID, "name")
}

func (s *Store) UpdateIdentityProvider(ctx context.Context, poolID, name string, update func(store.IdentityProvider) (store.IdentityProvider, error)) error {
	return identityProviders.update(ctx, s, []any{poolID, name}, update)
}

func (s *Store) DeleteIdentityProvider(ctx context.Context, poolID, name string) error {
	return identityProviders.delete(ctx, s.writer(), poolID, name)
}

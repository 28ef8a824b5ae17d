package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var identityPools = &table[store.IdentityPool]{
	name: "identity_pools", what: "identity pool",
	keys:    []string{"id"},
	columns: []string{"id", "name", "config", "roles", "principal_tags", "created_at", "updated_at"},
	row: func(p store.IdentityPool) []any {
		return []any{p.ID, p.Name, p.Config, p.Roles, p.PrincipalTags, p.CreatedAt, p.UpdatedAt}
	},
	scan: func(row scanner) (p store.IdentityPool, err error) {
		return p, row.Scan(&p.ID, &p.Name, &p.Config, &p.Roles, &p.PrincipalTags, &p.CreatedAt, &p.UpdatedAt)
	},
	frozenNames: "ID",
}

func (s *Store) CreateIdentityPool(ctx context.Context, p store.IdentityPool) error {
	return identityPools.insert(ctx, s.writer(), p)
}

func (s *Store) GetIdentityPool(ctx context.Context, id string) (store.IdentityPool, error) {
	return identityPools.get(ctx, s.reader(), "", id)
}

func (s *Store) ListIdentityPools(ctx context.Context) ([]store.IdentityPool, error) {
	return identityPools.list(ctx, s.reader(), "", "id")
}

func (s *Store) UpdateIdentityPool(ctx context.Context, id string, update func(store.IdentityPool) (store.IdentityPool, error)) error {
	return identityPools.update(ctx, s, []any{id}, update)
}

// DeleteIdentityPool also deletes the pool's identities and their logins.
// Logins carry no reference to the pool itself, so they go first, by pool.
func (s *Store) DeleteIdentityPool(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `DELETE FROM identity_logins WHERE pool_id = ?`, id); err != nil {
			return err
		}
		return identityPools.delete(ctx, tx, id)
	})
}

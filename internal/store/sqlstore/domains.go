package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

// user_pool_domains is keyed by the domain; (pool_id, custom) is unique too,
// so a pool's second domain of a kind is ErrAlreadyExists.
var domains = &table[store.Domain]{
	name: "user_pool_domains", what: "domain",
	keys:    []string{"domain"},
	columns: []string{"domain", "pool_id", "custom", "settings", "created_at", "updated_at"},
	row: func(d store.Domain) []any {
		return []any{d.Domain, d.PoolID, d.Custom, d.Settings, d.CreatedAt, d.UpdatedAt}
	},
	scan: func(row scanner) (d store.Domain, err error) {
		return d, row.Scan(&d.Domain, &d.PoolID, &d.Custom, &d.Settings, &d.CreatedAt, &d.UpdatedAt)
	},
	frozen:      func(d store.Domain) []any { return []any{d.PoolID, d.Custom} },
	frozenNames: "Domain, PoolID or Custom",
}

func (s *Store) CreateDomain(ctx context.Context, d store.Domain) error {
	return domains.insert(ctx, s.writer(), d)
}

func (s *Store) GetDomain(ctx context.Context, domain string) (store.Domain, error) {
	return domains.get(ctx, s.reader(), "", domain)
}

func (s *Store) ListPoolDomains(ctx context.Context, poolID string) ([]store.Domain, error) {
	return domains.listInPool(ctx, s.reader(), poolID, "domain")
}

func (s *Store) UpdateDomain(ctx context.Context, domain string, update func(store.Domain) (store.Domain, error)) error {
	return domains.update(ctx, s, []any{domain}, update)
}

func (s *Store) DeleteDomain(ctx context.Context, domain string) error {
	return domains.delete(ctx, s.writer(), domain)
}

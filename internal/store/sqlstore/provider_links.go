package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var providerLinks = &table[store.ProviderLink]{
	name: "provider_links", what: "provider link",
	keys:    []string{"pool_id", "provider", "subject"},
	columns: []string{"pool_id", "provider", "subject", "user_key", "created_at"},
	row: func(l store.ProviderLink) []any {
		return []any{l.PoolID, l.Provider, l.Subject, l.UserKey, l.CreatedAt}
	},
	scan: func(row scanner) (l store.ProviderLink, err error) {
		return l, row.Scan(&l.PoolID, &l.Provider, &l.Subject, &l.UserKey, &l.CreatedAt)
	},
}

func (s *Store) CreateProviderLink(ctx context.Context, l store.ProviderLink) error {
	return providerLinks.insert(ctx, s.writer(), l)
}

func (s *Store) GetProviderLink(ctx context.Context, poolID, provider, subject string) (store.ProviderLink, error) {
	return providerLinks.get(ctx, s.reader(), "", poolID, provider, subject)
}

func (s *Store) ListUserProviderLinks(ctx context.Context, poolID, userKey string) ([]store.ProviderLink, error) {
	return providerLinks.list(ctx, s.reader(), `pool_id = ? AND user_key = ?`, "provider, subject", poolID, userKey)
}

func (s *Store) DeleteProviderLink(ctx context.Context, poolID, provider, subject string) error {
	return providerLinks.delete(ctx, s.writer(), poolID, provider, subject)
}

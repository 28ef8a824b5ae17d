package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var signingKeys = &table[store.SigningKey]{
	name: "signing_keys", what: "signing key",
	keys:    []string{"pool_id", "kid"},
	columns: []string{"pool_id", "kid", "key_use", "algorithm", "private_pem", "created_at", "retired_at"},
	row: func(k store.SigningKey) []any {
		return []any{k.PoolID, k.KID, k.Use, k.Algorithm, k.PrivatePEM, k.CreatedAt, k.RetiredAt}
	},
	scan: func(row scanner) (k store.SigningKey, err error) {
		return k, row.Scan(&k.PoolID, &k.KID, &k.Use, &k.Algorithm, &k.PrivatePEM, &k.CreatedAt, &k.RetiredAt)
	},
	frozenNames: "PoolID or KID",
	secret:      func(k *store.SigningKey) *string { return &k.PrivatePEM }, secretColumn: "private_pem",
}

func (s *Store) CreateSigningKey(ctx context.Context, k store.SigningKey) error {
	return signingKeys.insert(ctx, s.writer(), k)
}

func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	return signingKeys.listInPool(ctx, s.reader(), poolID, "created_at, kid")
}

func (s *Store) UpdateSigningKey(ctx context.Context, poolID, kid string, update func(store.SigningKey) (store.SigningKey, error)) error {
	return signingKeys.update(ctx, s, []any{poolID, kid}, update)
}

func (s *Store) DeleteSigningKey(ctx context.Context, poolID, kid string) error {
	return signingKeys.delete(ctx, s.writer(), poolID, kid)
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var apiKeys = &table[store.APIKey]{
	name: "api_keys", what: "API key",
	keys:    []string{"id"},
	columns: []string{"id", "name", "description", "enabled", "value_hash", "sealed_value", "attributes", "created_at", "updated_at"},
	row: func(k store.APIKey) []any {
		return []any{k.ID, k.Name, k.Description, k.Enabled, k.ValueHash, k.SealedValue, k.Attributes, k.CreatedAt, k.UpdatedAt}
	},
	scan: func(row scanner) (k store.APIKey, err error) {
		return k, row.Scan(&k.ID, &k.Name, &k.Description, &k.Enabled, &k.ValueHash, &k.SealedValue, &k.Attributes, &k.CreatedAt, &k.UpdatedAt)
	},
	frozen: func(k store.APIKey) []any { return []any{k.ValueHash} }, frozenNames: "ID or ValueHash",
}

func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	return apiKeys.insert(ctx, s.writer(), k)
}

func (s *Store) GetAPIKey(ctx context.Context, id string) (store.APIKey, error) {
	return apiKeys.get(ctx, s.reader(), "", id)
}

func (s *Store) FindAPIKeyByValueHash(ctx context.Context, valueHash string) (store.APIKey, error) {
	return apiKeys.find(ctx, s.reader(), "API key", `value_hash = ?`, valueHash)
}

func (s *Store) ListAPIKeys(ctx context.Context) ([]store.APIKey, error) {
	return apiKeys.list(ctx, s.reader(), "", "id")
}

func (s *Store) UpdateAPIKey(ctx context.Context, id string, update func(store.APIKey) (store.APIKey, error)) error {
	return apiKeys.update(ctx, s, []any{id}, update)
}

func (s *Store) DeleteAPIKey(ctx context.Context, id string) error {
	return apiKeys.delete(ctx, s.writer(), id)
}

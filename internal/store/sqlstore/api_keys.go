package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const apiKeyColumns = `id, name, description, enabled, value_hash, sealed_value, attributes, created_at, updated_at`

func scanAPIKey(row scanner) (store.APIKey, error) {
	var k store.APIKey
	err := row.Scan(&k.ID, &k.Name, &k.Description, &k.Enabled, &k.ValueHash, &k.SealedValue, &k.Attributes, &k.CreatedAt, &k.UpdatedAt)
	return k, err
}

func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	_, err := s.writer().exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, k.Description, k.Enabled, k.ValueHash, k.SealedValue, k.Attributes, k.CreatedAt, k.UpdatedAt)
	return constraintError(err, "API key "+k.ID)
}

func (s *Store) GetAPIKey(ctx context.Context, id string) (store.APIKey, error) {
	return getAPIKey(ctx, s.reader(), id, "")
}

func getAPIKey(ctx context.Context, c conn, id, lock string) (store.APIKey, error) {
	k, err := scanAPIKey(c.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`+lock, id))
	return k, notFound(err, "API key "+id)
}

func (s *Store) FindAPIKeyByValueHash(ctx context.Context, valueHash string) (store.APIKey, error) {
	k, err := scanAPIKey(s.reader().queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE value_hash = ?`, valueHash))
	return k, notFound(err, "API key")
}

func (s *Store) ListAPIKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := s.reader().query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAPIKey)
}

func (s *Store) UpdateAPIKey(ctx context.Context, id string, update func(store.APIKey) (store.APIKey, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getAPIKey(ctx, tx, id, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		k, err := update(old)
		if err != nil {
			return err
		}
		if k.ID != old.ID || k.ValueHash != old.ValueHash {
			return keyChanged("API key "+id, "ID or ValueHash")
		}
		_, err = tx.exec(ctx, `UPDATE api_keys SET name = ?, description = ?, enabled = ?, sealed_value = ?, attributes = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			k.Name, k.Description, k.Enabled, k.SealedValue, k.Attributes, k.CreatedAt, k.UpdatedAt, id)
		return err
	})
}

func (s *Store) DeleteAPIKey(ctx context.Context, id string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM api_keys WHERE id = ?`, id)
	return expectOne(res, err, "API key "+id)
}

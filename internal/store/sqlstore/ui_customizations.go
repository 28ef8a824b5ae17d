package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var uiCustomizations = &table[store.UICustomization]{
	name: "ui_customizations", what: "UI customization",
	keys:    []string{"pool_id", "client_id"},
	columns: []string{"pool_id", "client_id", "css", "image", "created_at", "updated_at"},
	row: func(c store.UICustomization) []any {
		return []any{c.PoolID, c.ClientID, c.CSS, c.Image, c.CreatedAt, c.UpdatedAt}
	},
	scan: func(row scanner) (c store.UICustomization, err error) {
		return c, row.Scan(&c.PoolID, &c.ClientID, &c.CSS, &c.Image, &c.CreatedAt, &c.UpdatedAt)
	},
}

// PutUICustomization upserts; a replaced one keeps its CreatedAt.
func (s *Store) PutUICustomization(ctx context.Context, c store.UICustomization) error {
	_, err := s.writer().exec(ctx, `INSERT INTO ui_customizations (pool_id, client_id, css, image, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (pool_id, client_id) DO UPDATE SET css = excluded.css, image = excluded.image, updated_at = excluded.updated_at`,
		c.PoolID, c.ClientID, c.CSS, c.Image, c.CreatedAt, c.UpdatedAt)
	return constraintError(err, "user pool "+c.PoolID)
}

func (s *Store) GetUICustomization(ctx context.Context, poolID, clientID string) (store.UICustomization, error) {
	return uiCustomizations.get(ctx, s.reader(), "", poolID, clientID)
}

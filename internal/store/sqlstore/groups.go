package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const groupColumns = `pool_id, name, description, role_arn, precedence, created_at, updated_at`

func scanGroup(row scanner) (store.Group, error) {
	var g store.Group
	err := row.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleARN, &g.Precedence, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	_, err := s.writer().exec(ctx, `INSERT INTO user_groups (`+groupColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.PoolID, g.Name, g.Description, g.RoleARN, g.Precedence, g.CreatedAt, g.UpdatedAt)
	return constraintError(err, "group "+g.Name)
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return getGroup(ctx, s.reader(), poolID, name, "")
}

func getGroup(ctx context.Context, c conn, poolID, name, lock string) (store.Group, error) {
	g, err := scanGroup(c.queryRow(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE pool_id = ? AND name = ?`+lock, poolID, name))
	return g, notFound(err, "group "+name)
}

func (s *Store) ListGroups(ctx context.Context, poolID string) ([]store.Group, error) {
	return listUnder(ctx, s.reader(), scanGroup, "user pool "+poolID, poolExists, []any{poolID},
		`SELECT `+groupColumns+` FROM user_groups WHERE pool_id = ? ORDER BY name`, poolID)
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, update func(store.Group) (store.Group, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getGroup(ctx, tx, poolID, name, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		g, err := update(old)
		if err != nil {
			return err
		}
		if g.PoolID != old.PoolID || g.Name != old.Name {
			return keyChanged("group "+name, "PoolID or Name")
		}
		_, err = tx.exec(ctx, `UPDATE user_groups SET description = ?, role_arn = ?, precedence = ?, created_at = ?, updated_at = ? WHERE pool_id = ? AND name = ?`,
			g.Description, g.RoleARN, g.Precedence, g.CreatedAt, g.UpdatedAt, poolID, name)
		return err
	})
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM user_groups WHERE pool_id = ? AND name = ?`, poolID, name)
	return expectOne(res, err, "group "+name)
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const poolColumns = `id, name, settings, created_at, updated_at`

func scanPool(row scanner) (store.UserPool, error) {
	var p store.UserPool
	err := row.Scan(&p.ID, &p.Name, &p.Settings, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	_, err := s.writer().exec(ctx, `INSERT INTO user_pools (`+poolColumns+`) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.Settings, p.CreatedAt, p.UpdatedAt)
	return constraintError(err, "user pool "+p.ID)
}

func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	return getPool(ctx, s.reader(), id, "")
}

func getPool(ctx context.Context, c conn, id, lock string) (store.UserPool, error) {
	p, err := scanPool(c.queryRow(ctx, `SELECT `+poolColumns+` FROM user_pools WHERE id = ?`+lock, id))
	return p, notFound(err, "user pool "+id)
}

func (s *Store) ListUserPools(ctx context.Context) ([]store.UserPool, error) {
	rows, err := s.reader().query(ctx, `SELECT `+poolColumns+` FROM user_pools ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPool)
}

func (s *Store) UpdateUserPool(ctx context.Context, id string, update func(store.UserPool) (store.UserPool, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getPool(ctx, tx, id, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		p, err := update(old)
		if err != nil {
			return err
		}
		if p.ID != old.ID {
			return keyChanged("user pool "+id, "ID")
		}
		_, err = tx.exec(ctx, `UPDATE user_pools SET name = ?, settings = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Settings, p.CreatedAt, p.UpdatedAt, id)
		return err
	})
}

func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM user_pools WHERE id = ?`, id)
	return expectOne(res, err, "user pool "+id)
}

package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const identityPoolColumns = `id, name, config, roles, principal_tags, created_at, updated_at`

func scanIdentityPool(row scanner) (store.IdentityPool, error) {
	var p store.IdentityPool
	err := row.Scan(&p.ID, &p.Name, &p.Config, &p.Roles, &p.PrincipalTags, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func (s *Store) CreateIdentityPool(ctx context.Context, p store.IdentityPool) error {
	_, err := s.writer().exec(ctx, `INSERT INTO identity_pools (`+identityPoolColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.Config, p.Roles, p.PrincipalTags, p.CreatedAt, p.UpdatedAt)
	return constraintError(err, "identity pool "+p.ID)
}

func (s *Store) GetIdentityPool(ctx context.Context, id string) (store.IdentityPool, error) {
	return getIdentityPool(ctx, s.reader(), id, "")
}

func getIdentityPool(ctx context.Context, c conn, id, lock string) (store.IdentityPool, error) {
	p, err := scanIdentityPool(c.queryRow(ctx, `SELECT `+identityPoolColumns+` FROM identity_pools WHERE id = ?`+lock, id))
	return p, notFound(err, "identity pool "+id)
}

func (s *Store) ListIdentityPools(ctx context.Context) ([]store.IdentityPool, error) {
	rows, err := s.reader().query(ctx, `SELECT `+identityPoolColumns+` FROM identity_pools ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanIdentityPool)
}

func (s *Store) UpdateIdentityPool(ctx context.Context, id string, update func(store.IdentityPool) (store.IdentityPool, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getIdentityPool(ctx, tx, id, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		p, err := update(old)
		if err != nil {
			return err
		}
		if p.ID != old.ID {
			return keyChanged("identity pool "+id, "ID")
		}
		_, err = tx.exec(ctx, `UPDATE identity_pools SET name = ?, config = ?, roles = ?, principal_tags = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Config, p.Roles, p.PrincipalTags, p.CreatedAt, p.UpdatedAt, id)
		return err
	})
}

// DeleteIdentityPool also deletes the pool's identities and their logins.
// Logins carry no reference to the pool itself, so they go first, by pool.
func (s *Store) DeleteIdentityPool(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `DELETE FROM identity_logins WHERE pool_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM identity_pools WHERE id = ?`, id)
		return expectOne(res, err, "identity pool "+id)
	})
}

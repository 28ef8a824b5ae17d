package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const signingKeyColumns = `pool_id, kid, key_use, algorithm, private_pem, created_at, retired_at`

func scanSigningKey(row scanner) (store.SigningKey, error) {
	var k store.SigningKey
	err := row.Scan(&k.PoolID, &k.KID, &k.Use, &k.Algorithm, &k.PrivatePEM, &k.CreatedAt, &k.RetiredAt)
	return k, err
}

func (s *Store) CreateSigningKey(ctx context.Context, k store.SigningKey) error {
	_, err := s.writer().exec(ctx, `INSERT INTO signing_keys (`+signingKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.PoolID, k.KID, k.Use, k.Algorithm, k.PrivatePEM, k.CreatedAt, k.RetiredAt)
	return constraintError(err, "signing key "+k.KID)
}

func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	return listUnder(ctx, s.reader(), scanSigningKey, "user pool "+poolID, poolExists, []any{poolID},
		`SELECT `+signingKeyColumns+` FROM signing_keys WHERE pool_id = ? ORDER BY created_at, kid`, poolID)
}

func (s *Store) UpdateSigningKey(ctx context.Context, poolID, kid string, update func(store.SigningKey) (store.SigningKey, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := scanSigningKey(tx.queryRow(ctx, `SELECT `+signingKeyColumns+` FROM signing_keys WHERE pool_id = ? AND kid = ?`+s.dialect.forUpdate, poolID, kid))
		if err != nil {
			return notFound(err, "signing key "+kid)
		}
		k, err := update(old)
		if err != nil {
			return err
		}
		if k.PoolID != old.PoolID || k.KID != old.KID {
			return keyChanged("signing key "+kid, "PoolID or KID")
		}
		_, err = tx.exec(ctx, `UPDATE signing_keys SET key_use = ?, algorithm = ?, private_pem = ?, created_at = ?, retired_at = ? WHERE pool_id = ? AND kid = ?`,
			k.Use, k.Algorithm, k.PrivatePEM, k.CreatedAt, k.RetiredAt, poolID, kid)
		return err
	})
}

func (s *Store) DeleteSigningKey(ctx context.Context, poolID, kid string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM signing_keys WHERE pool_id = ? AND kid = ?`, poolID, kid)
	return expectOne(res, err, "signing key "+kid)
}

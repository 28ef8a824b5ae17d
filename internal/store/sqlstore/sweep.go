package sqlstore

import (
	"context"
	"database/sql"

	"github.com/moat-dev/moat/internal/store"
)

// SweepExpired deletes expired sessions and nonces, one statement each:
// replicas running it at once delete each row once and agree on the rest.
func (s *Store) SweepExpired(ctx context.Context, sessionsBefore, noncesBefore int64) (store.Swept, error) {
	var swept store.Swept
	err := s.inTx(ctx, func(tx conn) error {
		var err error
		if swept.Sessions, err = deleted(tx.exec(ctx, `DELETE FROM refresh_tokens WHERE expires_at < ?`, sessionsBefore)); err != nil {
			return err
		}
		swept.Nonces, err = deleted(tx.exec(ctx, `DELETE FROM used_nonces WHERE expires_at < ?`, noncesBefore))
		return err
	})
	return swept, err
}

func deleted(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

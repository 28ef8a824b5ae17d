package sqlstore

import (
	"context"
	"time"
)

// ConsumeNonce inserts the nonce unless it is there: one row inserted means
// first use. Expired rows are swept on the way, so the table stays as small
// as the nonces live.
func (s *Store) ConsumeNonce(ctx context.Context, scope, nonce string, expiresAt int64) (bool, error) {
	w := s.writer()
	if _, err := w.exec(ctx, `DELETE FROM used_nonces WHERE expires_at < ?`, time.Now().Unix()); err != nil {
		return false, err
	}
	res, err := w.exec(ctx, `INSERT INTO used_nonces (scope, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT (scope, nonce) DO NOTHING`, scope, nonce, expiresAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

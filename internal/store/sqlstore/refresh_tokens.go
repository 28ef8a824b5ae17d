package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const refreshTokenColumns = `hash, pool_id, client_id, user_key, origin_jti, auth_time, created_at, expires_at, revoked_at`

func scanRefreshToken(row scanner) (store.RefreshToken, error) {
	var t store.RefreshToken
	err := row.Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.UserKey, &t.OriginJTI, &t.AuthTime, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt)
	return t, err
}

// CreateRefreshToken stores t; its pool, client and user must exist (else ErrNotFound).
func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	_, err := s.writer().exec(ctx, `INSERT INTO refresh_tokens (`+refreshTokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.PoolID, t.ClientID, t.UserKey, t.OriginJTI, t.AuthTime, t.CreatedAt, t.ExpiresAt, t.RevokedAt)
	return constraintError(err, "refresh token")
}

func (s *Store) GetRefreshToken(ctx context.Context, hash string) (store.RefreshToken, error) {
	t, err := scanRefreshToken(s.reader().queryRow(ctx, `SELECT `+refreshTokenColumns+` FROM refresh_tokens WHERE hash = ?`, hash))
	return t, notFound(err, "refresh token")
}

// GetRefreshTokenByOriginJTI returns the session with that origin; should
// several share one, the lowest hash wins so the answer is stable.
func (s *Store) GetRefreshTokenByOriginJTI(ctx context.Context, poolID, originJTI string) (store.RefreshToken, error) {
	t, err := scanRefreshToken(s.reader().queryRow(ctx,
		`SELECT `+refreshTokenColumns+` FROM refresh_tokens WHERE pool_id = ? AND origin_jti = ? ORDER BY hash LIMIT 1`, poolID, originJTI))
	return t, notFound(err, "refresh token")
}

// RevokeRefreshToken revokes the session at `at`. Revoking it again keeps the
// first revocation time.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, at int64) error {
	w := s.writer()
	res, err := w.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at = 0`, at, hash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	return requireParent(ctx, w, "refresh token", `SELECT 1 FROM refresh_tokens WHERE hash = ?`, hash)
}

// RevokeUserRefreshTokens revokes every live session of the user; ErrNotFound
// when the user does not exist.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, userKey string, at int64) (int, error) {
	w := s.writer()
	res, err := w.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE pool_id = ? AND user_key = ? AND revoked_at = 0`, at, poolID, userKey)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return int(n), err
	}
	return 0, requireParent(ctx, w, "user "+userKey, userExists, poolID, userKey)
}

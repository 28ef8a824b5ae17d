package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var refreshTokens = &table[store.RefreshToken]{
	name: "refresh_tokens", what: "refresh token", quietKey: true,
	keys:    []string{"hash"},
	columns: []string{"hash", "pool_id", "client_id", "user_key", "origin_jti", "auth_time", "created_at", "expires_at", "revoked_at", "scopes"},
	row: func(t store.RefreshToken) []any {
		return []any{t.Hash, t.PoolID, t.ClientID, t.UserKey, t.OriginJTI, t.AuthTime, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.Scopes}
	},
	scan: func(row scanner) (t store.RefreshToken, err error) {
		return t, row.Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.UserKey, &t.OriginJTI, &t.AuthTime, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.Scopes)
	},
}

// CreateRefreshToken stores t; its pool, client and user must exist (else ErrNotFound).
func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	return refreshTokens.insert(ctx, s.writer(), t)
}

func (s *Store) GetRefreshToken(ctx context.Context, hash string) (store.RefreshToken, error) {
	return refreshTokens.get(ctx, s.reader(), "", hash)
}

// GetRefreshTokenByOriginJTI returns the session with that origin; should
// several share one, the lowest hash wins so the answer is stable.
func (s *Store) GetRefreshTokenByOriginJTI(ctx context.Context, poolID, originJTI string) (store.RefreshToken, error) {
	return refreshTokens.find(ctx, s.reader(), "refresh token", `pool_id = ? AND origin_jti = ? ORDER BY hash LIMIT 1`, poolID, originJTI)
}

// RevokeRefreshToken revokes the session at `at`. A session already revoked
// keeps the earlier time.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, at int64) error {
	w := s.writer()
	res, err := w.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE hash = ? AND (revoked_at = 0 OR revoked_at > ?)`, at, hash, at)
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
	res, err := w.exec(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE pool_id = ? AND user_key = ? AND (revoked_at = 0 OR revoked_at > ?)`, at, poolID, userKey, at)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return int(n), err
	}
	return 0, requireParent(ctx, w, "user "+userKey, userExists, poolID, userKey)
}

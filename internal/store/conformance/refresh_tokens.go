package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testRefreshTokens(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	client(t, s, p.ID, "c1")
	user(t, s, p.ID, "alice", nil)
	user(t, s, p.ID, "bob", nil)
	want(t, s.CreateRefreshToken(ctx, store.RefreshToken{Hash: "x", PoolID: p.ID, ClientID: "c1", UserKey: "nobody"}), store.ErrNotFound, "CreateRefreshToken for a missing user")
	want(t, s.CreateRefreshToken(ctx, store.RefreshToken{Hash: "x", PoolID: p.ID, ClientID: "nope", UserKey: "alice"}), store.ErrNotFound, "CreateRefreshToken for a missing client")
	want(t, s.CreateRefreshToken(ctx, store.RefreshToken{Hash: "x", PoolID: "missing", ClientID: "c1", UserKey: "alice"}), store.ErrNotFound, "CreateRefreshToken in a missing pool")

	t1 := refreshToken(t, s, p.ID, "c1", "alice", "h1")
	t2 := refreshToken(t, s, p.ID, "c1", "alice", "h2")
	t3 := refreshToken(t, s, p.ID, "c1", "bob", "h3")
	oauth := store.RefreshToken{Hash: "h4", PoolID: p.ID, ClientID: "c1", UserKey: "bob", OriginJTI: "jti-h4", ExpiresAt: 1702592401, Scopes: "openid email"}
	must(t, s.CreateRefreshToken(ctx, oauth), "CreateRefreshToken with scopes")
	got, err := s.GetRefreshToken(ctx, "h4")
	must(t, err, "GetRefreshToken with scopes")
	same(t, got, oauth, "a session keeps its scopes")
	want(t, s.CreateRefreshToken(ctx, t1), store.ErrAlreadyExists, "CreateRefreshToken duplicate")

	found(t, t1, "GetRefreshToken")(s.GetRefreshToken(ctx, "h1"))
	_, err = s.GetRefreshToken(ctx, "nope")
	want(t, err, store.ErrNotFound, "GetRefreshToken missing")
	found(t, t2, "GetRefreshTokenByOriginJTI")(s.GetRefreshTokenByOriginJTI(ctx, p.ID, t2.OriginJTI))
	_, err = s.GetRefreshTokenByOriginJTI(ctx, "pool2", t2.OriginJTI)
	want(t, err, store.ErrNotFound, "GetRefreshTokenByOriginJTI through another pool")

	must(t, s.RevokeRefreshToken(ctx, "h1", 1000), "RevokeRefreshToken")
	must(t, s.RevokeRefreshToken(ctx, "h1", 2000), "RevokeRefreshToken again")
	want(t, s.RevokeRefreshToken(ctx, "nope", 1000), store.ErrNotFound, "RevokeRefreshToken missing")
	t1.RevokedAt = 1000
	got, err = s.GetRefreshToken(ctx, "h1")
	must(t, err, "GetRefreshToken revoked")
	same(t, got, t1, "a revoked token keeps its first revocation time")

	n, err := s.RevokeUserRefreshTokens(ctx, p.ID, "alice", 3000)
	must(t, err, "RevokeUserRefreshTokens")
	same(t, n, 1, "sessions newly revoked (h1 already was)")
	n, err = s.RevokeUserRefreshTokens(ctx, p.ID, "alice", 4000)
	must(t, err, "RevokeUserRefreshTokens again")
	same(t, n, 0, "nothing left to revoke")
	_, err = s.RevokeUserRefreshTokens(ctx, p.ID, "nobody", 3000)
	want(t, err, store.ErrNotFound, "RevokeUserRefreshTokens for a missing user")
	t2.RevokedAt = 3000
	got, err = s.GetRefreshToken(ctx, "h2")
	must(t, err, "GetRefreshToken h2")
	same(t, got, t2, "h2 revoked at the global sign-out")
	got, err = s.GetRefreshToken(ctx, "h1")
	must(t, err, "GetRefreshToken h1")
	same(t, got.RevokedAt, int64(1000), "global sign-out keeps h1's first revocation")
	got, err = s.GetRefreshToken(ctx, "h3")
	must(t, err, "GetRefreshToken h3")
	same(t, got, t3, "another user's session is untouched")

	// A rotated-out token is revoked in the future; revoking it sooner wins,
	// later does not, and a global sign-out ends it at once.
	must(t, s.RevokeRefreshToken(ctx, "h3", 9000), "RevokeRefreshToken at the end of a grace period")
	must(t, s.RevokeRefreshToken(ctx, "h3", 9500), "RevokeRefreshToken later")
	got, _ = s.GetRefreshToken(ctx, "h3")
	same(t, got.RevokedAt, int64(9000), "a later revocation keeps the earlier time")
	same(t, got.RevokedBy(8999), false, "not revoked before its time")
	same(t, got.RevokedBy(9000), true, "revoked from its time on")
	n, err = s.RevokeUserRefreshTokens(ctx, p.ID, "bob", 5000)
	must(t, err, "RevokeUserRefreshTokens before the grace period ends")
	same(t, n, 2, "bob's sessions: h3, due to be revoked later, and h4")
	got, _ = s.GetRefreshToken(ctx, "h3")
	same(t, got.RevokedAt, int64(5000), "global sign-out ends the grace period")
}

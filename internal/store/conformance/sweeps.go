package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testCountUsers(t *testing.T, s store.Store) {
	_, err := s.CountUsers(ctx, "nope")
	want(t, err, store.ErrNotFound, "CountUsers of a missing pool")
	p := pool(t, s, "pool1")
	pool(t, s, "pool2")
	n, err := s.CountUsers(ctx, p.ID)
	must(t, err, "CountUsers empty")
	same(t, n, int64(0), "users of an empty pool")
	for _, k := range []string{"a", "b", "c"} {
		user(t, s, p.ID, k, map[string]string{"email": k + "@example.com"})
	}
	user(t, s, "pool2", "d", nil)
	n, err = s.CountUsers(ctx, p.ID)
	must(t, err, "CountUsers")
	same(t, n, int64(3), "users of pool1")
}

// testSweepExpired: sessions and nonces that expired before the cutoffs go,
// the rest stay, and sweeping again removes nothing.
func testSweepExpired(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	client(t, s, p.ID, "c1")
	user(t, s, p.ID, "alice", nil)
	for hash, expires := range map[string]int64{"old": 100, "edge": 200, "live": 300} {
		must(t, s.CreateRefreshToken(ctx, store.RefreshToken{Hash: hash, PoolID: p.ID, ClientID: "c1", UserKey: "alice",
			OriginJTI: "jti-" + hash, ExpiresAt: expires}), "CreateRefreshToken "+hash)
	}
	for nonce, expires := range map[string]int64{"n-old": 100, "n-live": 300} {
		_, err := s.ConsumeNonce(ctx, "siwe", nonce, expires+1e10) // far future, so ConsumeNonce keeps them
		must(t, err, "ConsumeNonce "+nonce)
	}
	swept, err := s.SweepExpired(ctx, 200, 250+1e10)
	must(t, err, "SweepExpired")
	same(t, swept, store.Swept{Sessions: 1, Nonces: 1}, "swept")
	want(t, errOnly(s.GetRefreshToken(ctx, "old")), store.ErrNotFound, "expired session")
	must(t, errOnly(s.GetRefreshToken(ctx, "edge")), "session expiring at the cutoff")
	must(t, errOnly(s.GetRefreshToken(ctx, "live")), "live session")
	fresh, err := s.ConsumeNonce(ctx, "siwe", "n-old", 2e10)
	must(t, err, "ConsumeNonce after sweep")
	same(t, fresh, true, "a swept nonce is forgotten")
	fresh, err = s.ConsumeNonce(ctx, "siwe", "n-live", 2e10)
	must(t, err, "ConsumeNonce kept")
	same(t, fresh, false, "a kept nonce is still used")
	swept, err = s.SweepExpired(ctx, 200, 250+1e10)
	must(t, err, "SweepExpired again")
	same(t, swept, store.Swept{}, "second sweep")
}

package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testSigningKeys(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	poolOwned(t, "SigningKey", p.ID, func(poolID string) error {
		return s.CreateSigningKey(ctx, store.SigningKey{PoolID: poolID, KID: "k"})
	}, s.ListSigningKeys)

	late := signingKey(t, s, p.ID, "a-late", 300)
	b := signingKey(t, s, p.ID, "b", 100)
	a := signingKey(t, s, p.ID, "a", 100)
	access := store.SigningKey{PoolID: p.ID, KID: "acc", Use: "access", Algorithm: "RS256", PrivatePEM: "pem", CreatedAt: 200}
	must(t, s.CreateSigningKey(ctx, access), "CreateSigningKey access")
	signingKey(t, s, other.ID, "a", 1)
	want(t, s.CreateSigningKey(ctx, store.SigningKey{PoolID: p.ID, KID: "a"}), store.ErrAlreadyExists, "CreateSigningKey duplicate")

	keys, err := s.ListSigningKeys(ctx, p.ID)
	must(t, err, "ListSigningKeys")
	same(t, keys, []store.SigningKey{a, b, access, late}, "keys by CreatedAt, then KID")

	must(t, s.UpdateSigningKey(ctx, p.ID, "a", func(k store.SigningKey) (store.SigningKey, error) {
		k.RetiredAt = 500
		return k, nil
	}), "UpdateSigningKey retire")
	a.RetiredAt = 500
	keys, err = s.ListSigningKeys(ctx, p.ID)
	must(t, err, "ListSigningKeys after retire")
	same(t, keys[0], a, "retired key stays listed")
	want(t, s.UpdateSigningKey(ctx, p.ID, "missing", func(k store.SigningKey) (store.SigningKey, error) { return k, nil }), store.ErrNotFound, "UpdateSigningKey missing")

	must(t, s.DeleteSigningKey(ctx, p.ID, "a"), "DeleteSigningKey")
	want(t, s.DeleteSigningKey(ctx, p.ID, "a"), store.ErrNotFound, "DeleteSigningKey twice")
	keys, err = s.ListSigningKeys(ctx, other.ID)
	must(t, err, "ListSigningKeys other pool")
	same(t, len(keys), 1, "the other pool's key survives")
}

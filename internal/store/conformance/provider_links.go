package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testProviderLinks(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	user(t, s, p.ID, "alice", nil)
	want(t, s.CreateProviderLink(ctx, store.ProviderLink{PoolID: p.ID, Provider: "Okta", Subject: "x", UserKey: "nobody"}), store.ErrNotFound, "a link to a missing user")
	a := store.ProviderLink{PoolID: p.ID, Provider: "Okta", Subject: "00u1", UserKey: "alice", CreatedAt: 1}
	b := store.ProviderLink{PoolID: p.ID, Provider: "Corp", Subject: "alice@corp", UserKey: "alice", CreatedAt: 2}
	must(t, s.CreateProviderLink(ctx, a), "CreateProviderLink")
	must(t, s.CreateProviderLink(ctx, b), "CreateProviderLink")
	want(t, s.CreateProviderLink(ctx, a), store.ErrAlreadyExists, "linking an identity twice")
	found(t, a, "GetProviderLink")(s.GetProviderLink(ctx, p.ID, "Okta", "00u1"))
	list, err := s.ListUserProviderLinks(ctx, p.ID, "alice")
	must(t, err, "ListUserProviderLinks")
	same(t, list, []store.ProviderLink{b, a}, "a user's links ordered by provider")
	must(t, s.DeleteProviderLink(ctx, p.ID, "Corp", "alice@corp"), "DeleteProviderLink")
	want(t, s.DeleteProviderLink(ctx, p.ID, "Corp", "alice@corp"), store.ErrNotFound, "DeleteProviderLink twice")
	must(t, s.DeleteUser(ctx, p.ID, "alice"), "DeleteUser")
	_, err = s.GetProviderLink(ctx, p.ID, "Okta", "00u1")
	want(t, err, store.ErrNotFound, "a user's links go with the user")
}

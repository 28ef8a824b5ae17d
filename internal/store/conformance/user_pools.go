package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testUserPools(t *testing.T, s store.Store) {
	pools, err := s.ListUserPools(ctx)
	must(t, err, "ListUserPools empty")
	same(t, len(pools), 0, "pools in an empty store")

	b := pool(t, s, "us-east-1_B")
	a := pool(t, s, "us-east-1_A")
	want(t, s.CreateUserPool(ctx, store.UserPool{ID: a.ID, Name: "dup"}), store.ErrAlreadyExists, "CreateUserPool duplicate")

	found(t, a, "GetUserPool")(s.GetUserPool(ctx, a.ID))
	_, err = s.GetUserPool(ctx, "us-east-1_missing")
	want(t, err, store.ErrNotFound, "GetUserPool missing")

	pools, err = s.ListUserPools(ctx)
	must(t, err, "ListUserPools")
	same(t, pools, []store.UserPool{a, b}, "ListUserPools ordered by ID")

	must(t, s.UpdateUserPool(ctx, a.ID, func(p store.UserPool) (store.UserPool, error) {
		same(t, p, a, "updater sees stored pool")
		p.Name, p.Settings, p.UpdatedAt = "renamed", []byte(`{"x":1}`), 1800000000
		return p, nil
	}), "UpdateUserPool")
	a.Name, a.Settings, a.UpdatedAt = "renamed", []byte(`{"x":1}`), 1800000000
	got, err := s.GetUserPool(ctx, a.ID)
	must(t, err, "GetUserPool after update")
	same(t, got, a, "updated pool")
	want(t, s.UpdateUserPool(ctx, "us-east-1_missing", func(p store.UserPool) (store.UserPool, error) {
		t.Error("updater called for a missing pool")
		return p, nil
	}), store.ErrNotFound, "UpdateUserPool missing")

	must(t, s.DeleteUserPool(ctx, a.ID), "DeleteUserPool")
	want(t, s.DeleteUserPool(ctx, a.ID), store.ErrNotFound, "DeleteUserPool twice")
	_, err = s.GetUserPool(ctx, a.ID)
	want(t, err, store.ErrNotFound, "GetUserPool after delete")
	pools, err = s.ListUserPools(ctx)
	must(t, err, "ListUserPools after delete")
	same(t, pools, []store.UserPool{b}, "pools after delete")
}

package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testUICustomizations(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	want(t, s.PutUICustomization(ctx, store.UICustomization{PoolID: "missing", ClientID: "ALL"}), store.ErrNotFound, "PutUICustomization in a missing pool")
	all := store.UICustomization{PoolID: p.ID, ClientID: "ALL", CSS: ".banner-customizable{color:red}", Image: []byte{0x89, 'P', 'N', 'G'}, CreatedAt: 1, UpdatedAt: 1}
	must(t, s.PutUICustomization(ctx, all), "PutUICustomization")
	found(t, all, "GetUICustomization")(s.GetUICustomization(ctx, p.ID, "ALL"))
	_, err := s.GetUICustomization(ctx, p.ID, "c1")
	want(t, err, store.ErrNotFound, "GetUICustomization of a client without one")
	must(t, s.PutUICustomization(ctx, store.UICustomization{PoolID: p.ID, ClientID: "ALL", CSS: "x", CreatedAt: 5, UpdatedAt: 5}), "PutUICustomization again")
	got, err := s.GetUICustomization(ctx, p.ID, "ALL")
	must(t, err, "GetUICustomization after replace")
	same(t, got, store.UICustomization{PoolID: p.ID, ClientID: "ALL", CSS: "x", CreatedAt: 1, UpdatedAt: 5}, "replaced, CreatedAt kept")
	must(t, s.DeleteUserPool(ctx, p.ID), "DeleteUserPool")
	_, err = s.GetUICustomization(ctx, p.ID, "ALL")
	want(t, err, store.ErrNotFound, "a pool's customizations go with it")
}

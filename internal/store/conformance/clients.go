package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testClients(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	poolOwned(t, "Client", p.ID, func(poolID string) error { return s.CreateClient(ctx, store.Client{PoolID: poolID, ID: "c0"}) }, s.ListClients)

	b := client(t, s, p.ID, "client-b")
	a := client(t, s, p.ID, "client-a")
	public := store.Client{PoolID: p.ID, ID: "client-public", Name: "spa", CreatedAt: 5, UpdatedAt: 6}
	must(t, s.CreateClient(ctx, public), "CreateClient public")
	want(t, s.CreateClient(ctx, store.Client{PoolID: p.ID, ID: a.ID}), store.ErrAlreadyExists, "CreateClient duplicate")
	want(t, s.CreateClient(ctx, store.Client{PoolID: other.ID, ID: a.ID}), store.ErrAlreadyExists, "CreateClient with an ID taken in another pool")

	found(t, a, "GetClient")(s.GetClient(ctx, p.ID, a.ID))
	got, err := s.GetClient(ctx, p.ID, public.ID)
	must(t, err, "GetClient public")
	same(t, got, public, "public client (no secret, nil settings)")
	_, err = s.GetClient(ctx, other.ID, a.ID)
	want(t, err, store.ErrNotFound, "GetClient through the wrong pool")
	found(t, a, "FindClient")(s.FindClient(ctx, a.ID))
	_, err = s.FindClient(ctx, "nope")
	want(t, err, store.ErrNotFound, "FindClient missing")

	list, err := s.ListClients(ctx, p.ID)
	must(t, err, "ListClients")
	same(t, list, []store.Client{a, b, public}, "ListClients ordered by ID")

	must(t, s.UpdateClient(ctx, p.ID, a.ID, func(c store.Client) (store.Client, error) {
		c.Name, c.Secret, c.Settings, c.UpdatedAt = "renamed", "", []byte(`{}`), 99
		return c, nil
	}), "UpdateClient")
	a.Name, a.Secret, a.Settings, a.UpdatedAt = "renamed", "", []byte(`{}`), 99
	got, err = s.GetClient(ctx, p.ID, a.ID)
	must(t, err, "GetClient after update")
	same(t, got, a, "updated client")
	want(t, s.UpdateClient(ctx, other.ID, a.ID, func(c store.Client) (store.Client, error) { return c, nil }), store.ErrNotFound, "UpdateClient through the wrong pool")

	want(t, s.DeleteClient(ctx, other.ID, a.ID), store.ErrNotFound, "DeleteClient through the wrong pool")
	must(t, s.DeleteClient(ctx, p.ID, a.ID), "DeleteClient")
	want(t, s.DeleteClient(ctx, p.ID, a.ID), store.ErrNotFound, "DeleteClient twice")
	_, err = s.FindClient(ctx, a.ID)
	want(t, err, store.ErrNotFound, "FindClient after delete")
}

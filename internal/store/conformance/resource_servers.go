package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testResourceServers(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	poolOwned(t, "ResourceServer", p.ID, func(poolID string) error {
		return s.CreateResourceServer(ctx, store.ResourceServer{PoolID: poolID, Identifier: "api"})
	}, s.ListResourceServers)

	b := store.ResourceServer{PoolID: p.ID, Identifier: "https://b.example", Name: "b", Scopes: []byte(`[{"ScopeName":"read"}]`), CreatedAt: 1, UpdatedAt: 1}
	a := store.ResourceServer{PoolID: p.ID, Identifier: "api", Name: "a", Scopes: []byte(`[]`), CreatedAt: 2, UpdatedAt: 2}
	must(t, s.CreateResourceServer(ctx, b), "CreateResourceServer")
	must(t, s.CreateResourceServer(ctx, a), "CreateResourceServer")
	must(t, s.CreateResourceServer(ctx, store.ResourceServer{PoolID: other.ID, Identifier: "api", Name: "x"}), "the same identifier in another pool")
	want(t, s.CreateResourceServer(ctx, a), store.ErrAlreadyExists, "CreateResourceServer duplicate")

	found(t, b, "GetResourceServer")(s.GetResourceServer(ctx, p.ID, b.Identifier))
	list, err := s.ListResourceServers(ctx, p.ID)
	must(t, err, "ListResourceServers")
	same(t, list, []store.ResourceServer{a, b}, "ListResourceServers ordered by Identifier")

	must(t, s.UpdateResourceServer(ctx, p.ID, a.Identifier, func(r store.ResourceServer) (store.ResourceServer, error) {
		r.Name, r.Scopes, r.UpdatedAt = "renamed", []byte(`[{"ScopeName":"write"}]`), 9
		return r, nil
	}), "UpdateResourceServer")
	a.Name, a.Scopes, a.UpdatedAt = "renamed", []byte(`[{"ScopeName":"write"}]`), 9
	got, err := s.GetResourceServer(ctx, p.ID, a.Identifier)
	must(t, err, "GetResourceServer after update")
	same(t, got, a, "updated resource server")
	want(t, s.UpdateResourceServer(ctx, p.ID, "missing", func(r store.ResourceServer) (store.ResourceServer, error) { return r, nil }), store.ErrNotFound, "UpdateResourceServer missing")

	must(t, s.DeleteResourceServer(ctx, p.ID, a.Identifier), "DeleteResourceServer")
	want(t, s.DeleteResourceServer(ctx, p.ID, a.Identifier), store.ErrNotFound, "DeleteResourceServer twice")
	_, err = s.GetResourceServer(ctx, other.ID, "api")
	must(t, err, "the other pool's resource server survives")
	must(t, s.DeleteUserPool(ctx, p.ID), "DeleteUserPool")
	_, err = s.GetResourceServer(ctx, p.ID, b.Identifier)
	want(t, err, store.ErrNotFound, "a pool's resource servers go with it")
}

package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testDomains(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	want(t, s.CreateDomain(ctx, store.Domain{Domain: "x.auth.test", PoolID: "missing"}), store.ErrNotFound, "CreateDomain in a missing pool")
	prefix := store.Domain{Domain: "dragons.auth.test", PoolID: p.ID, Settings: []byte(`{}`), CreatedAt: 1, UpdatedAt: 1}
	custom := store.Domain{Domain: "login.example.com", PoolID: p.ID, Custom: true, Settings: []byte(`{"c":1}`), CreatedAt: 2, UpdatedAt: 2}
	must(t, s.CreateDomain(ctx, prefix), "CreateDomain prefix")
	must(t, s.CreateDomain(ctx, custom), "CreateDomain custom")
	want(t, s.CreateDomain(ctx, store.Domain{Domain: "dragons.auth.test", PoolID: other.ID}), store.ErrAlreadyExists, "a domain another pool has")
	want(t, s.CreateDomain(ctx, store.Domain{Domain: "second.auth.test", PoolID: p.ID}), store.ErrAlreadyExists, "a second prefix domain")

	found(t, custom, "GetDomain")(s.GetDomain(ctx, custom.Domain))
	list, err := s.ListPoolDomains(ctx, p.ID)
	must(t, err, "ListPoolDomains")
	same(t, list, []store.Domain{prefix, custom}, "ListPoolDomains ordered by Domain")
	_, err = s.ListPoolDomains(ctx, "missing")
	want(t, err, store.ErrNotFound, "ListPoolDomains of a missing pool")

	must(t, s.UpdateDomain(ctx, custom.Domain, func(d store.Domain) (store.Domain, error) {
		d.Settings, d.UpdatedAt = []byte(`{"c":2}`), 9
		return d, nil
	}), "UpdateDomain")
	custom.Settings, custom.UpdatedAt = []byte(`{"c":2}`), 9
	got, err := s.GetDomain(ctx, custom.Domain)
	must(t, err, "GetDomain after update")
	same(t, got, custom, "updated domain")
	if err := s.UpdateDomain(ctx, custom.Domain, func(d store.Domain) (store.Domain, error) { d.PoolID = other.ID; return d, nil }); err == nil {
		t.Fatal("UpdateDomain moved a domain to another pool")
	}

	must(t, s.DeleteDomain(ctx, prefix.Domain), "DeleteDomain")
	want(t, s.DeleteDomain(ctx, prefix.Domain), store.ErrNotFound, "DeleteDomain twice")
	must(t, s.CreateDomain(ctx, store.Domain{Domain: prefix.Domain, PoolID: other.ID}), "a freed domain can be taken")
	must(t, s.DeleteUserPool(ctx, p.ID), "DeleteUserPool")
	_, err = s.GetDomain(ctx, custom.Domain)
	want(t, err, store.ErrNotFound, "a pool's domains go with it")
}

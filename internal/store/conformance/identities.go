package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func identityPool(t *testing.T, s store.Store, id string) store.IdentityPool {
	t.Helper()
	p := store.IdentityPool{ID: id, Name: "ipool " + id, Config: []byte(`{"AllowUnauthenticatedIdentities":true}`),
		Roles: []byte(`{"Roles":{}}`), PrincipalTags: []byte(`{}`), CreatedAt: 1700000500, UpdatedAt: 1700000501}
	must(t, s.CreateIdentityPool(ctx, p), "CreateIdentityPool "+id)
	return p
}

func identity(t *testing.T, s store.Store, poolID, id string, logins map[string]string) store.Identity {
	t.Helper()
	i := store.Identity{ID: id, PoolID: poolID, Logins: logins, CreatedAt: 1700000600, UpdatedAt: 1700000601}
	must(t, s.CreateIdentity(ctx, i), "CreateIdentity "+id)
	if i.Logins == nil {
		i.Logins = map[string]string{}
	}
	return i
}

func testIdentityPools(t *testing.T, s store.Store) {
	b := identityPool(t, s, "us-east-1:b")
	a := identityPool(t, s, "us-east-1:a")
	want(t, s.CreateIdentityPool(ctx, a), store.ErrAlreadyExists, "CreateIdentityPool duplicate")

	found(t, a, "GetIdentityPool")(s.GetIdentityPool(ctx, a.ID))
	_, err := s.GetIdentityPool(ctx, "us-east-1:none")
	want(t, err, store.ErrNotFound, "GetIdentityPool missing")

	found(t, []store.IdentityPool{a, b}, "ListIdentityPools")(s.ListIdentityPools(ctx))

	must(t, s.UpdateIdentityPool(ctx, a.ID, func(p store.IdentityPool) (store.IdentityPool, error) {
		p.Name, p.Roles, p.UpdatedAt = "renamed", []byte(`{"Roles":{"authenticated":"arn"}}`), 1700000999
		return p, nil
	}), "UpdateIdentityPool")
	got, err := s.GetIdentityPool(ctx, a.ID)
	must(t, err, "GetIdentityPool after update")
	a.Name, a.Roles, a.UpdatedAt = "renamed", []byte(`{"Roles":{"authenticated":"arn"}}`), 1700000999
	same(t, got, a, "GetIdentityPool after update")
	want(t, s.UpdateIdentityPool(ctx, "us-east-1:none", func(p store.IdentityPool) (store.IdentityPool, error) { return p, nil }),
		store.ErrNotFound, "UpdateIdentityPool missing")

	// Deleting a pool takes its identities and frees their logins.
	identity(t, s, a.ID, "us-east-1:i1", map[string]string{"p": "s1"})
	must(t, s.DeleteIdentityPool(ctx, a.ID), "DeleteIdentityPool")
	want(t, s.DeleteIdentityPool(ctx, a.ID), store.ErrNotFound, "DeleteIdentityPool again")
	_, err = s.GetIdentity(ctx, "us-east-1:i1")
	want(t, err, store.ErrNotFound, "identity of a deleted pool")
	_, err = s.ListIdentities(ctx, a.ID)
	want(t, err, store.ErrNotFound, "ListIdentities of a deleted pool")
	identityPool(t, s, a.ID)
	identity(t, s, a.ID, "us-east-1:i2", map[string]string{"p": "s1"})
}

func testIdentities(t *testing.T, s store.Store) {
	p := identityPool(t, s, "us-east-1:p")
	other := identityPool(t, s, "us-east-1:q")
	guest := identity(t, s, p.ID, "us-east-1:2", nil)
	alice := identity(t, s, p.ID, "us-east-1:1", map[string]string{"idp/one": "alice", "dev": "u-1"})

	i := store.Identity{ID: "us-east-1:3", PoolID: p.ID, Logins: map[string]string{"idp/one": "alice"}}
	want(t, s.CreateIdentity(ctx, i), store.ErrAlreadyExists, "CreateIdentity with a taken login")
	_, err := s.GetIdentity(ctx, i.ID)
	want(t, err, store.ErrNotFound, "a refused identity is not stored")
	want(t, s.CreateIdentity(ctx, store.Identity{ID: alice.ID, PoolID: p.ID}), store.ErrAlreadyExists, "CreateIdentity duplicate ID")
	want(t, s.CreateIdentity(ctx, store.Identity{ID: "us-east-1:4", PoolID: "us-east-1:none"}), store.ErrNotFound, "CreateIdentity in a missing pool")
	// The same login in another pool is another identity's.
	identity(t, s, other.ID, "us-east-1:5", map[string]string{"idp/one": "alice"})

	found(t, alice, "GetIdentity")(s.GetIdentity(ctx, alice.ID))
	found(t, alice, "FindIdentityByLogin")(s.FindIdentityByLogin(ctx, p.ID, "dev", "u-1"))
	_, err = s.FindIdentityByLogin(ctx, p.ID, "dev", "u-2")
	want(t, err, store.ErrNotFound, "FindIdentityByLogin unknown subject")

	found(t, []store.Identity{alice, guest}, "ListIdentities")(s.ListIdentities(ctx, p.ID))

	must(t, s.UpdateIdentity(ctx, alice.ID, func(i store.Identity) (store.Identity, error) {
		i.CredentialsRevokedAt, i.UpdatedAt = 1700001000, 1700001000
		return i, nil
	}), "UpdateIdentity")
	got, err := s.GetIdentity(ctx, alice.ID)
	must(t, err, "GetIdentity after update")
	alice.CredentialsRevokedAt, alice.UpdatedAt = 1700001000, 1700001000
	same(t, got, alice, "GetIdentity after update")
	err = s.UpdateIdentity(ctx, alice.ID, func(i store.Identity) (store.Identity, error) {
		i.Logins = map[string]string{"x": "y"}
		return i, nil
	})
	if err == nil {
		t.Fatal("UpdateIdentity changed Logins")
	}
}

func testLinkLogins(t *testing.T, s store.Store) {
	p := identityPool(t, s, "us-east-1:p")
	first := identity(t, s, p.ID, "us-east-1:1", map[string]string{"idp/one": "alice"})
	second := identity(t, s, p.ID, "us-east-1:2", map[string]string{"idp/two": "al", "dev": "u-1"})

	got, err := s.LinkLogins(ctx, first.ID, map[string]string{"idp/three": "a3"}, 1700002000)
	must(t, err, "LinkLogins new login")
	first.Logins["idp/three"], first.UpdatedAt = "a3", 1700002000
	same(t, got, first, "LinkLogins new login")

	_, err = s.LinkLogins(ctx, first.ID, map[string]string{"idp/one": "bob"}, 1700002001)
	want(t, err, store.ErrConflict, "LinkLogins another subject of a linked provider")

	// A login of the second identity merges it into the first.
	got, err = s.LinkLogins(ctx, first.ID, map[string]string{"idp/two": "al"}, 1700002002)
	must(t, err, "LinkLogins merge")
	first.Logins["idp/two"], first.Logins["dev"], first.UpdatedAt = "al", "u-1", 1700002002
	same(t, got, first, "LinkLogins merge")
	merged, err := s.GetIdentity(ctx, second.ID)
	must(t, err, "GetIdentity merged")
	second.Logins, second.Disabled, second.UpdatedAt = map[string]string{}, true, 1700002002
	same(t, merged, second, "merged identity")
	found, err := s.FindIdentityByLogin(ctx, p.ID, "dev", "u-1")
	must(t, err, "FindIdentityByLogin after merge")
	same(t, found, first, "login of a merged identity")

	// A merge that would give the survivor two subjects for one provider changes nothing.
	third := identity(t, s, p.ID, "us-east-1:3", map[string]string{"idp/one": "carol", "idp/four": "c4"})
	_, err = s.LinkLogins(ctx, first.ID, map[string]string{"idp/four": "c4"}, 1700002003)
	want(t, err, store.ErrConflict, "LinkLogins merging a clash")
	got, err = s.GetIdentity(ctx, third.ID)
	must(t, err, "GetIdentity after refused merge")
	same(t, got, third, "identity after refused merge")

	_, err = s.LinkLogins(ctx, "us-east-1:none", map[string]string{"x": "y"}, 1)
	want(t, err, store.ErrNotFound, "LinkLogins missing identity")
}

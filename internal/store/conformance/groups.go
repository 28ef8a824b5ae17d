package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testGroups(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	poolOwned(t, "Group", p.ID, func(poolID string) error { return s.CreateGroup(ctx, store.Group{PoolID: poolID, Name: "g"}) }, s.ListGroups)

	b := group(t, s, p.ID, "beta", nil)
	a := group(t, s, p.ID, "Alpha", ptr(0))
	must(t, s.CreateGroup(ctx, store.Group{PoolID: other.ID, Name: a.Name}), "same group name in another pool")
	want(t, s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: a.Name}), store.ErrAlreadyExists, "CreateGroup duplicate")

	got, err := s.GetGroup(ctx, p.ID, a.Name)
	must(t, err, "GetGroup")
	same(t, got, a, "GetGroup with precedence 0")
	got, err = s.GetGroup(ctx, p.ID, b.Name)
	must(t, err, "GetGroup")
	same(t, got, b, "GetGroup without precedence")
	_, err = s.GetGroup(ctx, p.ID, "alpha")
	want(t, err, store.ErrNotFound, "GetGroup is case-sensitive")

	list, err := s.ListGroups(ctx, p.ID)
	must(t, err, "ListGroups")
	same(t, list, []store.Group{a, b}, "ListGroups ordered by Name, bytewise")

	must(t, s.UpdateGroup(ctx, p.ID, b.Name, func(g store.Group) (store.Group, error) {
		g.Description, g.RoleARN, g.Precedence, g.UpdatedAt = "", "", ptr(7), 42
		return g, nil
	}), "UpdateGroup")
	b.Description, b.RoleARN, b.Precedence, b.UpdatedAt = "", "", ptr(7), 42
	got, err = s.GetGroup(ctx, p.ID, b.Name)
	must(t, err, "GetGroup after update")
	same(t, got, b, "updated group")
	want(t, s.UpdateGroup(ctx, p.ID, "missing", func(g store.Group) (store.Group, error) { return g, nil }), store.ErrNotFound, "UpdateGroup missing")

	must(t, s.DeleteGroup(ctx, p.ID, a.Name), "DeleteGroup")
	want(t, s.DeleteGroup(ctx, p.ID, a.Name), store.ErrNotFound, "DeleteGroup twice")
	_, err = s.GetGroup(ctx, other.ID, a.Name)
	must(t, err, "the other pool's group survives")
}

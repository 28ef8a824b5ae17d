package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testListUsers(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	_, err := s.ListUsers(ctx, store.UserQuery{PoolID: "missing"})
	want(t, err, store.ErrNotFound, "ListUsers of a missing pool")
	list, err := s.ListUsers(ctx, store.UserQuery{PoolID: p.ID})
	must(t, err, "ListUsers empty pool")
	same(t, len(list), 0, "users of a new pool")

	// Keys chosen so bytewise order differs from case-insensitive or
	// locale-aware order: "Zed" < "alice" < "bob" < "b\u00e9a" < "carol".
	user(t, s, p.ID, "carol", map[string]string{"email": "carol@example.com", "custom:team": "red"})
	user(t, s, p.ID, "alice", map[string]string{"email": "alice@example.com", "custom:team": "blue"})
	user(t, s, p.ID, "b\u00e9a", map[string]string{"email": "bea@example.org", "custom:team": "r\u00e9d"})
	user(t, s, p.ID, "Zed", map[string]string{"email": "Zed@Example.com"})
	user(t, s, p.ID, "bob", nil)
	user(t, s, other.ID, "alice", map[string]string{"email": "alice@example.com"})
	must(t, s.UpdateUser(ctx, p.ID, "bob", func(u store.User) (store.User, error) {
		u.Enabled, u.Status = false, "UNCONFIRMED"
		return u, nil
	}), "disable bob")

	all := []string{"Zed", "alice", "bob", "b\u00e9a", "carol"}
	list, err = s.ListUsers(ctx, store.UserQuery{PoolID: p.ID})
	must(t, err, "ListUsers")
	same(t, keysOf(list), all, "ListUsers ordered bytewise by Key")
	same(t, list[1].Attributes, map[string]string{"email": "alice@example.com", "custom:team": "blue"}, "listed users carry attributes")
	same(t, list[2].Attributes, map[string]string{}, "a listed user without attributes has an empty map")

	// Pagination walks every user exactly once, for every page size.
	for limit := 1; limit <= 6; limit++ {
		var walked []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("limit %d: pagination does not end", limit)
			}
			page, err := s.ListUsers(ctx, store.UserQuery{PoolID: p.ID, AfterKey: after, Limit: limit})
			must(t, err, "ListUsers page")
			if len(page) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(page))
			}
			walked = append(walked, keysOf(page)...)
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Key
		}
		same(t, walked, all, "users walked page by page")
	}
	list, err = s.ListUsers(ctx, store.UserQuery{PoolID: p.ID, AfterKey: "bob"})
	must(t, err, "ListUsers after bob")
	same(t, keysOf(list), []string{"b\u00e9a", "carol"}, "AfterKey is exclusive and bytewise")

	filters := []struct {
		q    store.UserQuery
		want []string
	}{
		{store.UserQuery{Attribute: "email", Value: "alice@example.com"}, []string{"alice"}},
		{store.UserQuery{Attribute: "email", Value: "alice@"}, []string{}},
		{store.UserQuery{Attribute: "email", Value: "b", Prefix: true}, []string{"b\u00e9a"}},
		{store.UserQuery{Attribute: "email", Value: "z", Prefix: true}, []string{}},
		{store.UserQuery{Attribute: "email", Value: "Z", Prefix: true}, []string{"Zed"}},
		{store.UserQuery{Attribute: "email", Value: "", Prefix: true}, []string{"Zed", "alice", "b\u00e9a", "carol"}},
		{store.UserQuery{Attribute: "custom:team", Value: "r\u00e9", Prefix: true}, []string{"b\u00e9a"}},
		{store.UserQuery{Attribute: "custom:team", Value: "r", Prefix: true}, []string{"carol", "b\u00e9a"}}, // by value: "red" < "r\u00e9d"
		{store.UserQuery{Attribute: "custom:missing", Value: "", Prefix: true}, []string{}},
		{store.UserQuery{Attribute: "username", Value: "Orig-alice"}, []string{"alice"}},
		{store.UserQuery{Attribute: "username", Value: "Orig-b", Prefix: true}, []string{"bob", "b\u00e9a"}},
		{store.UserQuery{Attribute: "username", Value: "orig-", Prefix: true}, []string{}},
		{store.UserQuery{Attribute: "status", Value: "Enabled"}, []string{"Zed", "alice", "b\u00e9a", "carol"}},
		{store.UserQuery{Attribute: "status", Value: "Disabled"}, []string{"bob"}},
		{store.UserQuery{Attribute: "status", Value: "Dis", Prefix: true}, []string{"bob"}},
		{store.UserQuery{Attribute: "status", Value: "", Prefix: true}, all},
		{store.UserQuery{Attribute: "status", Value: "enabled"}, []string{}},
		{store.UserQuery{Attribute: "cognito:user_status", Value: "UNCONFIRMED"}, []string{"bob"}},
		{store.UserQuery{Attribute: "cognito:user_status", Value: "CONF", Prefix: true}, []string{"Zed", "alice", "b\u00e9a", "carol"}},
		{store.UserQuery{Attribute: "email", Value: "", Prefix: true, AfterValue: "alice@example.com", AfterKey: "alice", Limit: 2}, []string{"b\u00e9a", "carol"}},
		{store.UserQuery{Attribute: "custom:team", Value: "r", Prefix: true, AfterValue: "red", AfterKey: "carol"}, []string{"b\u00e9a"}},
		{store.UserQuery{Attribute: "username", Value: "Orig-", Prefix: true, AfterValue: "Orig-bob", AfterKey: "bob"}, []string{"b\u00e9a", "carol"}},
	}
	for _, f := range filters {
		f.q.PoolID = p.ID
		list, err := s.ListUsers(ctx, f.q)
		must(t, err, "ListUsers filtered")
		same(t, keysOf(list), f.want, "ListUsers "+f.q.Attribute+" "+f.q.Value)
	}

	// A filtered listing walks by value then key, each user once, for every page size.
	byEmail := []string{"Zed", "alice", "b\u00e9a", "carol"}
	for limit := 1; limit <= 5; limit++ {
		var walked []string
		q := store.UserQuery{PoolID: p.ID, Attribute: "email", Prefix: true, Limit: limit}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("limit %d: filtered pagination does not end", limit)
			}
			page, err := s.ListUsers(ctx, q)
			must(t, err, "ListUsers filtered page")
			walked = append(walked, keysOf(page)...)
			if len(page) < limit {
				break
			}
			last := page[len(page)-1]
			q.AfterValue, q.AfterKey = last.Attributes["email"], last.Key
		}
		same(t, walked, byEmail, "users walked page by page, filtered")
	}
}

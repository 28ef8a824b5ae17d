package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

// updaterFixture makes one of everything an updater can change.
func updaterFixture(t *testing.T, s store.Store) (store.UserPool, store.Client, store.Group, store.User, store.SigningKey) {
	p := pool(t, s, "pool1")
	pool(t, s, "pool2")
	return p, client(t, s, p.ID, "c1"), group(t, s, p.ID, "g1", ptr(3)),
		user(t, s, p.ID, "alice", map[string]string{"email": "alice@example.com"}), signingKey(t, s, p.ID, "k1", 1)
}

// unchanged checks every row the fixture made is as it was.
func unchanged(t *testing.T, s store.Store, p store.UserPool, c store.Client, g store.Group, u store.User, k store.SigningKey) {
	t.Helper()
	gotP, err := s.GetUserPool(ctx, p.ID)
	must(t, err, "GetUserPool")
	same(t, gotP, p, "pool unchanged")
	gotC, err := s.GetClient(ctx, c.PoolID, c.ID)
	must(t, err, "GetClient")
	same(t, gotC, c, "client unchanged")
	gotG, err := s.GetGroup(ctx, g.PoolID, g.Name)
	must(t, err, "GetGroup")
	same(t, gotG, g, "group unchanged")
	gotU, err := s.GetUser(ctx, u.PoolID, u.Key)
	must(t, err, "GetUser")
	same(t, gotU, u, "user unchanged")
	keys, err := s.ListSigningKeys(ctx, k.PoolID)
	must(t, err, "ListSigningKeys")
	same(t, keys, []store.SigningKey{k}, "signing key unchanged")
}

// testUpdaterErrors: an updater's error aborts the update and comes back unchanged.
func testUpdaterErrors(t *testing.T, s store.Store) {
	p, c, g, u, k := updaterFixture(t, s)
	boom := errors.New("boom")
	check := func(err error, what string) {
		t.Helper()
		if err != boom {
			t.Fatalf("%s: got %v, want the updater's own error", what, err)
		}
	}
	check(s.UpdateUserPool(ctx, p.ID, func(p store.UserPool) (store.UserPool, error) { p.Name = "x"; return p, boom }), "UpdateUserPool")
	check(s.UpdateClient(ctx, c.PoolID, c.ID, func(c store.Client) (store.Client, error) { c.Name = "x"; return c, boom }), "UpdateClient")
	check(s.UpdateGroup(ctx, g.PoolID, g.Name, func(g store.Group) (store.Group, error) { g.Description = "x"; return g, boom }), "UpdateGroup")
	check(s.UpdateUser(ctx, u.PoolID, u.Key, func(u store.User) (store.User, error) {
		u.Status, u.Attributes = "x", map[string]string{}
		return u, boom
	}), "UpdateUser")
	check(s.UpdateSigningKey(ctx, k.PoolID, k.KID, func(k store.SigningKey) (store.SigningKey, error) { k.RetiredAt = 9; return k, boom }), "UpdateSigningKey")
	unchanged(t, s, p, c, g, u, k)
}

// testUpdaterKeyFields: an updater may not move a row to another key; the
// store rejects the update with an error and changes nothing.
func testUpdaterKeyFields(t *testing.T, s store.Store) {
	p, c, g, u, k := updaterFixture(t, s)
	rejected := func(err error, what string) {
		t.Helper()
		if err == nil || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s: got %v, want a rejection", what, err)
		}
	}
	rejected(s.UpdateUserPool(ctx, p.ID, func(p store.UserPool) (store.UserPool, error) { p.ID, p.Name = "pool3", "x"; return p, nil }), "pool ID")
	rejected(s.UpdateClient(ctx, c.PoolID, c.ID, func(c store.Client) (store.Client, error) { c.ID, c.Name = "c2", "x"; return c, nil }), "client ID")
	rejected(s.UpdateClient(ctx, c.PoolID, c.ID, func(c store.Client) (store.Client, error) { c.PoolID = "pool2"; return c, nil }), "client PoolID")
	rejected(s.UpdateGroup(ctx, g.PoolID, g.Name, func(g store.Group) (store.Group, error) { g.Name = "g2"; return g, nil }), "group Name")
	rejected(s.UpdateGroup(ctx, g.PoolID, g.Name, func(g store.Group) (store.Group, error) { g.PoolID = "pool2"; return g, nil }), "group PoolID")
	rejected(s.UpdateUser(ctx, u.PoolID, u.Key, func(u store.User) (store.User, error) { u.Key, u.Status = "bob", "x"; return u, nil }), "user Key")
	rejected(s.UpdateUser(ctx, u.PoolID, u.Key, func(u store.User) (store.User, error) { u.PoolID = "pool2"; return u, nil }), "user PoolID")
	rejected(s.UpdateSigningKey(ctx, k.PoolID, k.KID, func(k store.SigningKey) (store.SigningKey, error) { k.KID = "k2"; return k, nil }), "signing key KID")
	rejected(s.UpdateSigningKey(ctx, k.PoolID, k.KID, func(k store.SigningKey) (store.SigningKey, error) { k.PoolID = "pool2"; return k, nil }), "signing key PoolID")
	unchanged(t, s, p, c, g, u, k)
}

// testConcurrentUpdates: read-modify-write through an updater loses no update.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	concurrentIncrements(t, s, 20, "UpdateUser", func() error {
		return s.UpdateUser(ctx, "pool1", "counter", incrementCount)
	})
}

// concurrentIncrements runs increment n times at once on pool1's user
// "counter" and checks the count is n.
func concurrentIncrements(t *testing.T, s store.Store, n int, what string, increment func() error) {
	p := pool(t, s, "pool1")
	user(t, s, p.ID, "counter", nil)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = increment() })
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err, "concurrent "+what)
	}
	u, err := s.GetUser(ctx, p.ID, "counter")
	must(t, err, "GetUser")
	wantState := fmt.Sprintf(`{"Count":%d}`, n)
	same(t, string(u.State), wantState, "counter after concurrent increments by "+what)
	same(t, u.Attributes["custom:count"], wantState, "attribute written with the last increment")
}

// incrementCount counts one more in the user's state and mirrors the state
// in an attribute, so a lost update shows in both.
func incrementCount(u store.User) (store.User, error) {
	var state struct{ Count int }
	if err := json.Unmarshal(u.State, &state); err != nil {
		return u, err
	}
	state.Count++
	b, err := json.Marshal(state)
	u.State = b
	u.Attributes["custom:count"] = string(b)
	return u, err
}

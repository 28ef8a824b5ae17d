package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testUsers(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	want(t, s.CreateUser(ctx, store.User{PoolID: "missing", Key: "u", Sub: "s"}), store.ErrNotFound, "CreateUser in a missing pool")

	alice := user(t, s, p.ID, "alice", map[string]string{"email": "alice@example.com", "sub": "sub-pool1-alice"})
	want(t, s.CreateUser(ctx, store.User{PoolID: p.ID, Key: "alice", Sub: "fresh"}), store.ErrAlreadyExists, "CreateUser duplicate key")
	want(t, s.CreateUser(ctx, store.User{PoolID: p.ID, Key: "alice2", Sub: alice.Sub}), store.ErrAlreadyExists, "CreateUser duplicate sub")
	_, err := s.GetUser(ctx, p.ID, "alice2")
	want(t, err, store.ErrNotFound, "a failed CreateUser leaves nothing")
	must(t, s.CreateUser(ctx, store.User{PoolID: other.ID, Key: "alice", Sub: alice.Sub}), "same key and sub in another pool")

	found(t, alice, "GetUser")(s.GetUser(ctx, p.ID, "alice"))
	_, err = s.GetUser(ctx, p.ID, "Alice")
	want(t, err, store.ErrNotFound, "GetUser compares keys exactly")
	found(t, alice, "GetUserBySub")(s.GetUserBySub(ctx, p.ID, alice.Sub))
	_, err = s.GetUserBySub(ctx, p.ID, "nope")
	want(t, err, store.ErrNotFound, "GetUserBySub missing")

	// A user with no password, no state, disabled, no attributes.
	bare := store.User{PoolID: p.ID, Key: "bare", Username: "bare", Sub: "sub-bare", Status: "FORCE_CHANGE_PASSWORD"}
	must(t, s.CreateUser(ctx, bare), "CreateUser bare")
	bare.Attributes = map[string]string{}
	got, err := s.GetUser(ctx, p.ID, "bare")
	must(t, err, "GetUser bare")
	same(t, got, bare, "bare user (nil attributes come back as an empty map)")

	must(t, s.UpdateUser(ctx, p.ID, "alice", func(u store.User) (store.User, error) {
		same(t, u, alice, "updater sees stored user")
		u.Username, u.Status, u.Enabled, u.PasswordHash = "ALICE", "RESET_REQUIRED", false, ""
		u.State, u.UpdatedAt = []byte(`{"failures":3}`), 1900000000
		return u, nil
	}), "UpdateUser")
	alice.Username, alice.Status, alice.Enabled, alice.PasswordHash = "ALICE", "RESET_REQUIRED", false, ""
	alice.State, alice.UpdatedAt = []byte(`{"failures":3}`), 1900000000
	got, err = s.GetUser(ctx, p.ID, "alice")
	must(t, err, "GetUser after update")
	same(t, got, alice, "updated user")

	want(t, s.UpdateUser(ctx, p.ID, "bare", func(u store.User) (store.User, error) {
		u.Sub = alice.Sub
		return u, nil
	}), store.ErrAlreadyExists, "UpdateUser onto a taken sub")
	want(t, s.UpdateUser(ctx, p.ID, "nobody", func(u store.User) (store.User, error) { return u, nil }), store.ErrNotFound, "UpdateUser missing")

	must(t, s.DeleteUser(ctx, p.ID, "alice"), "DeleteUser")
	want(t, s.DeleteUser(ctx, p.ID, "alice"), store.ErrNotFound, "DeleteUser twice")
	_, err = s.GetUser(ctx, p.ID, "alice")
	want(t, err, store.ErrNotFound, "GetUser after delete")
	_, err = s.GetUser(ctx, other.ID, "alice")
	must(t, err, "the other pool's alice survives")
}

func testUserAttributes(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	attrs := map[string]string{
		"email": "a@example.com", "email_verified": "true", "custom:empty": "",
		"custom:unicode": "Grüße 👋", "phone_number": "+15555550100",
	}
	u := user(t, s, p.ID, "a", attrs)
	user(t, s, p.ID, "b", map[string]string{"email": "A@example.com"})
	user(t, s, p.ID, "c", map[string]string{"email": "a@example.com"})

	got, err := s.GetUser(ctx, p.ID, "a")
	must(t, err, "GetUser")
	same(t, got.Attributes, attrs, "attributes round-trip exactly")

	found, err := s.FindUsersByAttribute(ctx, p.ID, "email", "a@example.com")
	must(t, err, "FindUsersByAttribute")
	same(t, keysOf(found), []string{"a", "c"}, "FindUsersByAttribute is exact and case-sensitive")
	same(t, found[0], u, "found user carries all attributes")
	found, err = s.FindUsersByAttribute(ctx, p.ID, "custom:empty", "")
	must(t, err, "FindUsersByAttribute empty value")
	same(t, keysOf(found), []string{"a"}, "an empty value is a value")
	found, err = s.FindUsersByAttribute(ctx, p.ID, "email", "nobody@example.com")
	must(t, err, "FindUsersByAttribute no match")
	same(t, len(found), 0, "no match")
	_, err = s.FindUsersByAttribute(ctx, "missing", "email", "a@example.com")
	want(t, err, store.ErrNotFound, "FindUsersByAttribute in a missing pool")

	// Replacing the map drops, changes and adds attributes, and the index follows.
	must(t, s.UpdateUser(ctx, p.ID, "a", func(u store.User) (store.User, error) {
		delete(u.Attributes, "phone_number")
		u.Attributes["email"] = "new@example.com"
		u.Attributes["preferred_username"] = "ace"
		return u, nil
	}), "UpdateUser attributes")
	got, err = s.GetUser(ctx, p.ID, "a")
	must(t, err, "GetUser")
	same(t, got.Attributes, map[string]string{
		"email": "new@example.com", "email_verified": "true", "custom:empty": "",
		"custom:unicode": "Grüße 👋", "preferred_username": "ace",
	}, "attributes after update")
	found, err = s.FindUsersByAttribute(ctx, p.ID, "email", "a@example.com")
	must(t, err, "FindUsersByAttribute old value")
	same(t, keysOf(found), []string{"c"}, "old value no longer finds the user")
	found, err = s.FindUsersByAttribute(ctx, p.ID, "phone_number", "+15555550100")
	must(t, err, "FindUsersByAttribute removed attribute")
	same(t, len(found), 0, "removed attribute no longer finds the user")

	must(t, s.UpdateUser(ctx, p.ID, "a", func(u store.User) (store.User, error) {
		u.Attributes = nil
		return u, nil
	}), "UpdateUser clearing attributes")
	got, err = s.GetUser(ctx, p.ID, "a")
	must(t, err, "GetUser")
	same(t, got.Attributes, map[string]string{}, "cleared attributes")
}

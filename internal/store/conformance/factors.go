package conformance

import (
	"slices"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testUserSecrets(t *testing.T, s store.Store) {
	pool(t, s, "p")
	user(t, s, "p", "alice", nil)
	user(t, s, "p", "bob", nil)
	err := s.PutUserSecret(ctx, store.UserSecret{PoolID: "p", UserKey: "nobody", Name: "totp", Value: "x"})
	want(t, err, store.ErrNotFound, "PutUserSecret for a missing user")

	must(t, s.PutUserSecret(ctx, store.UserSecret{PoolID: "p", UserKey: "alice", Name: "totp", Value: "first", UpdatedAt: 1}), "PutUserSecret")
	must(t, s.PutUserSecret(ctx, store.UserSecret{PoolID: "p", UserKey: "alice", Name: "totp", Value: "second", UpdatedAt: 2}), "PutUserSecret again")
	must(t, s.PutUserSecret(ctx, store.UserSecret{PoolID: "p", UserKey: "bob", Name: "totp", Value: "bob's", UpdatedAt: 3}), "PutUserSecret bob")
	got, err := s.GetUserSecret(ctx, "p", "alice", "totp")
	must(t, err, "GetUserSecret")
	same(t, got, store.UserSecret{PoolID: "p", UserKey: "alice", Name: "totp", Value: "second", UpdatedAt: 2}, "a put replaces")
	_, err = s.GetUserSecret(ctx, "p", "alice", "other")
	want(t, err, store.ErrNotFound, "GetUserSecret of another name")

	must(t, s.DeleteUserSecret(ctx, "p", "alice", "totp"), "DeleteUserSecret")
	want(t, s.DeleteUserSecret(ctx, "p", "alice", "totp"), store.ErrNotFound, "DeleteUserSecret twice")
	_, err = s.GetUserSecret(ctx, "p", "alice", "totp")
	want(t, err, store.ErrNotFound, "GetUserSecret after delete")

	must(t, s.DeleteUser(ctx, "p", "bob"), "DeleteUser")
	_, err = s.GetUserSecret(ctx, "p", "bob", "totp")
	want(t, err, store.ErrNotFound, "a deleted user's secret")
}

func testPasskeys(t *testing.T, s store.Store) {
	pool(t, s, "p")
	user(t, s, "p", "alice", nil)
	user(t, s, "p", "bob", nil)
	key := func(user, id string, at int64) store.Passkey {
		return store.Passkey{PoolID: "p", UserKey: user, ID: id, RelyingPartyID: "auth.example.com", Name: "key " + id, Record: []byte(`{"count":0}`), CreatedAt: at}
	}
	must(t, s.CreatePasskey(ctx, key("alice", "k2", 10)), "CreatePasskey k2")
	must(t, s.CreatePasskey(ctx, key("alice", "k1", 20)), "CreatePasskey k1")
	want(t, s.CreatePasskey(ctx, key("bob", "k1", 30)), store.ErrAlreadyExists, "a credential ID another user holds")
	want(t, s.CreatePasskey(ctx, key("nobody", "k9", 30)), store.ErrNotFound, "CreatePasskey for a missing user")

	list, err := s.ListPasskeys(ctx, "p", "alice")
	must(t, err, "ListPasskeys")
	same(t, list, []store.Passkey{key("alice", "k2", 10), key("alice", "k1", 20)}, "passkeys by creation time")
	list, err = s.ListPasskeys(ctx, "p", "bob")
	must(t, err, "ListPasskeys bob")
	same(t, len(list), 0, "bob's passkeys")
	_, err = s.ListPasskeys(ctx, "p", "nobody")
	want(t, err, store.ErrNotFound, "ListPasskeys of a missing user")

	must(t, s.UpdatePasskey(ctx, "p", "alice", "k1", func(p store.Passkey) (store.Passkey, error) {
		p.Record = []byte(`{"count":7}`)
		return p, nil
	}), "UpdatePasskey")
	err = s.UpdatePasskey(ctx, "p", "alice", "k1", func(p store.Passkey) (store.Passkey, error) {
		p.RelyingPartyID = "evil.example.com"
		return p, nil
	})
	if err == nil {
		t.Fatal("UpdatePasskey changed the relying party")
	}
	list, _ = s.ListPasskeys(ctx, "p", "alice")
	same(t, string(list[1].Record), `{"count":7}`, "updated record")

	want(t, s.DeletePasskey(ctx, "p", "bob", "k1"), store.ErrNotFound, "DeletePasskey of another user's key")
	must(t, s.DeletePasskey(ctx, "p", "alice", "k1"), "DeletePasskey")
	must(t, s.CreatePasskey(ctx, key("bob", "k1", 30)), "a deleted credential ID is free again")
	must(t, s.DeleteUser(ctx, "p", "alice"), "DeleteUser")
	must(t, s.CreateUser(ctx, store.User{PoolID: "p", Key: "alice", Sub: "new-alice"}), "recreate alice")
	list, err = s.ListPasskeys(ctx, "p", "alice")
	must(t, err, "ListPasskeys recreated")
	same(t, len(list), 0, "a recreated user inherits no passkeys")
}

func testDevices(t *testing.T, s store.Store) {
	pool(t, s, "p")
	user(t, s, "p", "alice", nil)
	user(t, s, "p", "bob", nil)
	device := func(user, key string) store.Device {
		return store.Device{PoolID: "p", UserKey: user, Key: key, GroupKey: "g-" + user, Record: []byte(`{"remembered":false}`), CreatedAt: 5, UpdatedAt: 6, LastAuthenticatedAt: 7}
	}
	must(t, s.CreateDevice(ctx, device("alice", "us-east-1_b")), "CreateDevice b")
	must(t, s.CreateDevice(ctx, device("alice", "us-east-1_a")), "CreateDevice a")
	want(t, s.CreateDevice(ctx, device("bob", "us-east-1_a")), store.ErrAlreadyExists, "a device key another user holds")
	want(t, s.CreateDevice(ctx, device("nobody", "us-east-1_z")), store.ErrNotFound, "CreateDevice for a missing user")

	found(t, device("alice", "us-east-1_a"), "GetDevice")(s.GetDevice(ctx, "p", "alice", "us-east-1_a"))
	_, err := s.GetDevice(ctx, "p", "bob", "us-east-1_a")
	want(t, err, store.ErrNotFound, "GetDevice under another user")

	list, err := s.ListDevices(ctx, "p", "alice")
	must(t, err, "ListDevices")
	keys := []string{}
	for _, d := range list {
		keys = append(keys, d.Key)
	}
	if !slices.Equal(keys, []string{"us-east-1_a", "us-east-1_b"}) {
		t.Fatalf("ListDevices keys %v", keys)
	}
	_, err = s.ListDevices(ctx, "p", "nobody")
	want(t, err, store.ErrNotFound, "ListDevices of a missing user")

	must(t, s.UpdateDevice(ctx, "p", "alice", "us-east-1_a", func(d store.Device) (store.Device, error) {
		d.Record, d.UpdatedAt, d.LastAuthenticatedAt = []byte(`{"remembered":true}`), 8, 9
		return d, nil
	}), "UpdateDevice")
	got, _ := s.GetDevice(ctx, "p", "alice", "us-east-1_a")
	same(t, [3]any{string(got.Record), got.UpdatedAt, got.LastAuthenticatedAt}, [3]any{`{"remembered":true}`, int64(8), int64(9)}, "updated device")
	if err := s.UpdateDevice(ctx, "p", "alice", "us-east-1_a", func(d store.Device) (store.Device, error) {
		d.GroupKey = "other"
		return d, nil
	}); err == nil {
		t.Fatal("UpdateDevice changed the group key")
	}

	must(t, s.DeleteDevice(ctx, "p", "alice", "us-east-1_b"), "DeleteDevice")
	want(t, s.DeleteDevice(ctx, "p", "alice", "us-east-1_b"), store.ErrNotFound, "DeleteDevice twice")
	must(t, s.DeleteUser(ctx, "p", "alice"), "DeleteUser")
	_, err = s.GetDevice(ctx, "p", "alice", "us-east-1_a")
	want(t, err, store.ErrNotFound, "a deleted user's device")
}

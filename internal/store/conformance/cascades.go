package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testCascades(t *testing.T, s store.Store) {
	doomed := pool(t, s, "doomed")
	kept := pool(t, s, "kept")
	for _, p := range []store.UserPool{doomed, kept} {
		client(t, s, p.ID, "client-"+p.ID)
		group(t, s, p.ID, "g", nil)
		user(t, s, p.ID, "alice", map[string]string{"email": "alice@example.com"})
		user(t, s, p.ID, "bob", nil)
		must(t, s.AddUserToGroup(ctx, p.ID, "alice", "g"), "AddUserToGroup")
		signingKey(t, s, p.ID, "k-"+p.ID, 1)
		refreshToken(t, s, p.ID, "client-"+p.ID, "alice", "alice-"+p.ID)
		refreshToken(t, s, p.ID, "client-"+p.ID, "bob", "bob-"+p.ID)
	}

	// Deleting a user takes their sessions and memberships, nothing else.
	must(t, s.DeleteUser(ctx, kept.ID, "bob"), "DeleteUser")
	_, err := s.GetRefreshToken(ctx, "bob-kept")
	want(t, err, store.ErrNotFound, "session of a deleted user")
	_, err = s.GetRefreshToken(ctx, "alice-kept")
	must(t, err, "another user's session survives")
	must(t, s.CreateUser(ctx, store.User{PoolID: kept.ID, Key: "bob", Sub: "new-bob"}), "recreate bob")
	n, err := s.RevokeUserRefreshTokens(ctx, kept.ID, "bob", 1)
	must(t, err, "RevokeUserRefreshTokens recreated")
	same(t, n, 0, "a recreated user inherits no sessions")

	// Deleting a client takes the sessions signed in through it.
	must(t, s.DeleteClient(ctx, kept.ID, "client-kept"), "DeleteClient")
	_, err = s.GetRefreshToken(ctx, "alice-kept")
	want(t, err, store.ErrNotFound, "session of a deleted client")

	must(t, s.DeleteUserPool(ctx, doomed.ID), "DeleteUserPool")
	_, err = s.FindClient(ctx, "client-doomed")
	want(t, err, store.ErrNotFound, "client of a deleted pool")
	_, err = s.GetGroup(ctx, doomed.ID, "g")
	want(t, err, store.ErrNotFound, "group of a deleted pool")
	_, err = s.GetUser(ctx, doomed.ID, "alice")
	want(t, err, store.ErrNotFound, "user of a deleted pool")
	_, err = s.GetRefreshToken(ctx, "bob-doomed")
	want(t, err, store.ErrNotFound, "session of a deleted pool")

	// A pool recreated under the same ID starts empty.
	must(t, s.CreateUserPool(ctx, doomed), "recreate pool")
	keys, err := s.ListSigningKeys(ctx, doomed.ID)
	must(t, err, "ListSigningKeys")
	same(t, len(keys), 0, "signing keys of a recreated pool")
	users, err := s.ListUsers(ctx, store.UserQuery{PoolID: doomed.ID})
	must(t, err, "ListUsers")
	same(t, len(users), 0, "users of a recreated pool")
	found, err := s.FindUsersByAttribute(ctx, doomed.ID, "email", "alice@example.com")
	must(t, err, "FindUsersByAttribute")
	same(t, len(found), 0, "attributes of a deleted pool's users")
	groups, err := s.ListGroups(ctx, doomed.ID)
	must(t, err, "ListGroups")
	same(t, len(groups), 0, "groups of a recreated pool")

	// The other pool is whole.
	groups, err = s.ListGroupsForUser(ctx, kept.ID, "alice")
	must(t, err, "ListGroupsForUser kept")
	same(t, len(groups), 1, "kept pool's membership")
	keys, err = s.ListSigningKeys(ctx, kept.ID)
	must(t, err, "ListSigningKeys kept")
	same(t, len(keys), 1, "kept pool's key")
}

package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testMemberships(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	user(t, s, p.ID, "alice", nil)
	user(t, s, p.ID, "bob", nil)
	user(t, s, p.ID, "lonely", nil)
	admins := group(t, s, p.ID, "admins", ptr(1))
	zebras := group(t, s, p.ID, "zebras", ptr(0))
	loose := group(t, s, p.ID, "loose", nil)
	apes := group(t, s, p.ID, "apes", ptr(1))
	group(t, s, p.ID, "empty", nil)

	for _, g := range []string{"loose", "admins", "zebras", "apes"} {
		must(t, s.AddUserToGroup(ctx, p.ID, "alice", g), "AddUserToGroup "+g)
	}
	must(t, s.AddUserToGroup(ctx, p.ID, "alice", "admins"), "AddUserToGroup again is not an error")
	must(t, s.AddUserToGroup(ctx, p.ID, "bob", "admins"), "AddUserToGroup bob")
	want(t, s.AddUserToGroup(ctx, p.ID, "nobody", "admins"), store.ErrNotFound, "AddUserToGroup missing user")
	want(t, s.AddUserToGroup(ctx, p.ID, "alice", "nogroup"), store.ErrNotFound, "AddUserToGroup missing group")

	groups, err := s.ListGroupsForUser(ctx, p.ID, "alice")
	must(t, err, "ListGroupsForUser")
	same(t, groups, []store.Group{zebras, admins, apes, loose}, "groups by precedence, then name, no precedence last")
	groups, err = s.ListGroupsForUser(ctx, p.ID, "lonely")
	must(t, err, "ListGroupsForUser none")
	same(t, len(groups), 0, "groups of a user in none")
	_, err = s.ListGroupsForUser(ctx, p.ID, "nobody")
	want(t, err, store.ErrNotFound, "ListGroupsForUser missing user")

	users, err := s.ListUsersInGroup(ctx, p.ID, "admins")
	must(t, err, "ListUsersInGroup")
	same(t, keysOf(users), []string{"alice", "bob"}, "members ordered by Key")
	users, err = s.ListUsersInGroup(ctx, p.ID, "empty")
	must(t, err, "ListUsersInGroup empty")
	same(t, len(users), 0, "members of an empty group")
	_, err = s.ListUsersInGroup(ctx, p.ID, "nogroup")
	want(t, err, store.ErrNotFound, "ListUsersInGroup missing group")

	must(t, s.RemoveUserFromGroup(ctx, p.ID, "alice", "admins"), "RemoveUserFromGroup")
	must(t, s.RemoveUserFromGroup(ctx, p.ID, "alice", "admins"), "RemoveUserFromGroup again is not an error")
	want(t, s.RemoveUserFromGroup(ctx, p.ID, "nobody", "admins"), store.ErrNotFound, "RemoveUserFromGroup missing user")
	want(t, s.RemoveUserFromGroup(ctx, p.ID, "alice", "nogroup"), store.ErrNotFound, "RemoveUserFromGroup missing group")
	users, err = s.ListUsersInGroup(ctx, p.ID, "admins")
	must(t, err, "ListUsersInGroup after remove")
	same(t, keysOf(users), []string{"bob"}, "members after remove")

	// Deleting a group drops its memberships; deleting a user drops theirs.
	must(t, s.DeleteGroup(ctx, p.ID, "zebras"), "DeleteGroup")
	groups, err = s.ListGroupsForUser(ctx, p.ID, "alice")
	must(t, err, "ListGroupsForUser after DeleteGroup")
	same(t, groups, []store.Group{apes, loose}, "groups after DeleteGroup")
	must(t, s.CreateGroup(ctx, zebras), "recreate zebras")
	users, err = s.ListUsersInGroup(ctx, p.ID, "zebras")
	must(t, err, "ListUsersInGroup recreated")
	same(t, len(users), 0, "a recreated group has no old members")
	must(t, s.DeleteUser(ctx, p.ID, "bob"), "DeleteUser bob")
	users, err = s.ListUsersInGroup(ctx, p.ID, "admins")
	must(t, err, "ListUsersInGroup after DeleteUser")
	same(t, len(users), 0, "members after DeleteUser")
}

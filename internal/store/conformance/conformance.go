// Package conformance is the behaviour every store.Store backend must show.
// A backend's own test calls RunTests with a constructor for fresh, empty stores.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

// RunTests runs the suite; newStore returns an empty store, closed by the suite.
func RunTests(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"Settings", testSettings},
		{"UserPools", testUserPools},
		{"Clients", testClients},
		{"Groups", testGroups},
		{"Users", testUsers},
		{"UserAttributes", testUserAttributes},
		{"ListUsers", testListUsers},
		{"Memberships", testMemberships},
		{"UserSecrets", testUserSecrets}, {"Passkeys", testPasskeys}, {"Devices", testDevices},
		{"SigningKeys", testSigningKeys},
		{"RefreshTokens", testRefreshTokens},
		{"APIKeys", testAPIKeys},
		{"UsagePlans", testUsagePlans},
		{"UsagePlanKeys", testUsagePlanKeys},
		{"UsageCounters", testUsageCounters},
		{"ConcurrentUsage", testConcurrentUsage},
		{"Nonces", testNonces},
		{"Roles", testRoles},
		{"IdentityPools", testIdentityPools}, {"Identities", testIdentities}, {"LinkLogins", testLinkLogins},
		{"Cascades", testCascades},
		{"UpdaterErrors", testUpdaterErrors},
		{"UpdaterKeyFields", testUpdaterKeyFields},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ConcurrentSettings", testConcurrentSettings},
		{"AtomicRollback", testAtomicRollback},
		{"AtomicIsolation", testAtomicIsolation},
		{"AtomicErrorsInside", testAtomicErrorsInside},
		{"ConcurrentAtomic", testConcurrentAtomic},
		{"CountUsers", testCountUsers},
		{"SweepExpired", testSweepExpired},
		{"WAFSets", testWAFSets},
		{"WAFWebACLs", testWAFWebACLs},
		{"WAFLockTokenRace", testWAFLockTokenRace},
		{"ResourceServers", testResourceServers},
		{"Domains", testDomains},
		{"IdentityProviders", testIdentityProviders},
		{"UICustomizations", testUICustomizations},
		{"ProviderLinks", testProviderLinks},
		{"Outbox", testOutbox}, {"OutboxBulk", testOutboxBulk},
		{"OutboxCommitOrder", testOutboxCommitOrder},
		{"EventDelivery", testEventDelivery},
		{"Leases", testLeases},
		{"Functions", testFunctions}, {"FunctionEvents", testFunctionEvents},
		{"UserImports", testUserImports}, {"CreateUsers", testCreateUsers},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.run(t, s)
		})
	}
}

// want fails the test unless err matches target (nil meaning success).
func want(t *testing.T, err, target error, what string) {
	t.Helper()
	switch {
	case target == nil && err != nil:
		t.Fatalf("%s: unexpected error %v", what, err)
	case target != nil && !errors.Is(err, target):
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	want(t, err, nil, what)
}

var ctx = context.Background()

// poolOwned checks what holds for every kind a user pool owns: nothing of
// it is created in a pool that does not exist, listing a missing pool is
// ErrNotFound rather than an empty list, and a new pool (poolID) has none.
// create stores one item in the pool it is given.
func poolOwned[T any](t *testing.T, kind, poolID string, create func(poolID string) error, list func(ctx context.Context, poolID string) ([]T, error)) {
	t.Helper()
	want(t, create("missing"), store.ErrNotFound, "Create"+kind+" in a missing pool")
	_, err := list(ctx, "missing")
	want(t, err, store.ErrNotFound, "List"+kind+"s of a missing pool")
	items, err := list(ctx, poolID)
	must(t, err, "List"+kind+"s empty")
	same(t, len(items), 0, kind+"s of a new pool")
}

// Fixtures. Each returns what it stored so tests compare against it.

func pool(t *testing.T, s store.Store, id string) store.UserPool {
	t.Helper()
	p := store.UserPool{ID: id, Name: "pool " + id, Settings: []byte(`{"MfaConfiguration":"OFF"}`), CreatedAt: 1700000000, UpdatedAt: 1700000001}
	must(t, s.CreateUserPool(ctx, p), "CreateUserPool "+id)
	return p
}

func client(t *testing.T, s store.Store, poolID, id string) store.Client {
	t.Helper()
	c := store.Client{PoolID: poolID, ID: id, Name: "client " + id, Secret: "s3cret-" + id, Settings: []byte(`{"ExplicitAuthFlows":["ALLOW_USER_SRP_AUTH"]}`), CreatedAt: 1700000100, UpdatedAt: 1700000101}
	must(t, s.CreateClient(ctx, c), "CreateClient "+id)
	return c
}

func group(t *testing.T, s store.Store, poolID, name string, precedence *int64) store.Group {
	t.Helper()
	g := store.Group{PoolID: poolID, Name: name, Description: "the " + name, RoleARN: "arn:aws:iam::000000000000:role/" + name, Precedence: precedence, CreatedAt: 1700000200, UpdatedAt: 1700000201}
	must(t, s.CreateGroup(ctx, g), "CreateGroup "+name)
	return g
}

func user(t *testing.T, s store.Store, poolID, key string, attrs map[string]string) store.User {
	t.Helper()
	u := store.User{
		PoolID: poolID, Key: key, Username: "Orig-" + key, Sub: "sub-" + poolID + "-" + key,
		Status: "CONFIRMED", Enabled: true, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Attributes: attrs, State: []byte(`{"failures":0}`), CreatedAt: 1700000300, UpdatedAt: 1700000301,
	}
	must(t, s.CreateUser(ctx, u), "CreateUser "+key)
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	return u
}

func signingKey(t *testing.T, s store.Store, poolID, kid string, createdAt int64) store.SigningKey {
	t.Helper()
	k := store.SigningKey{PoolID: poolID, KID: kid, Use: "id", Algorithm: "RS256", PrivatePEM: "-----BEGIN PRIVATE KEY-----\n" + kid + "\n-----END PRIVATE KEY-----\n", CreatedAt: createdAt}
	must(t, s.CreateSigningKey(ctx, k), "CreateSigningKey "+kid)
	return k
}

func refreshToken(t *testing.T, s store.Store, poolID, clientID, userKey, hash string) store.RefreshToken {
	t.Helper()
	r := store.RefreshToken{Hash: hash, PoolID: poolID, ClientID: clientID, UserKey: userKey, OriginJTI: "jti-" + hash, AuthTime: 1700000400, CreatedAt: 1700000401, ExpiresAt: 1702592401}
	must(t, s.CreateRefreshToken(ctx, r), "CreateRefreshToken "+hash)
	return r
}

func ptr(v int64) *int64 { return &v }

func keysOf(users []store.User) []string {
	keys := make([]string, len(users))
	for i, u := range users {
		keys[i] = u.Key
	}
	return keys
}

// same fails unless got and want print identically; the store's types are
// plain values, so %#v comparison covers every field, pointers included.
func same(t *testing.T, got, want any, what string) {
	t.Helper()
	if g, w := deref(got), deref(want); g != w {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// found checks a read that must succeed with want, as in
// found(t, want, "GetClient")(s.GetClient(ctx, poolID, id)).
func found[T any](t *testing.T, want T, what string) func(T, error) {
	return func(got T, err error) {
		t.Helper()
		must(t, err, what)
		same(t, got, want, what)
	}
}

// deref prints values with *int64 fields shown by value, not address.
func deref(v any) string {
	switch x := v.(type) {
	case store.Group:
		return fmt.Sprintf("%#v precedence=%s", withoutPrecedence(x), precedenceString(x.Precedence))
	case []store.Group:
		out := ""
		for _, g := range x {
			out += deref(g) + "\n"
		}
		return out
	}
	return fmt.Sprintf("%#v", v)
}

func withoutPrecedence(g store.Group) store.Group { g.Precedence = nil; return g }

func precedenceString(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

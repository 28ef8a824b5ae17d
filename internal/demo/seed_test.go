package demo

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool"
)

// instance is one moat's view of a shared store: its own Service, as two
// replicas would have.
type instance struct {
	st     store.Store
	tokens *tokens.Service
	pools  *userpool.Service
}

func newInstance(t *testing.T, st store.Store) instance {
	t.Helper()
	tok := tokens.NewService(st, "http://moat.test")
	pools, err := userpool.New(t.Context(), userpool.Config{Store: st, Tokens: tok, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return instance{st, tok, pools}
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlstore.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t *testing.T, url string) store.Store {
	t.Helper()
	st, err := sqlstore.OpenPostgres(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// signIn signs in with the demo client and returns the ID token's claims.
func signIn(t *testing.T, in instance, s Seeded, user, password string) *tokens.Claims {
	t.Helper()
	out, err := in.pools.InitiateAuth(t.Context(), netip.MustParseAddr("192.0.2.1"), &userpool.InitiateAuthInput{
		AuthFlow: "USER_PASSWORD_AUTH", ClientId: s.ClientID,
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password},
	})
	if err != nil {
		t.Fatalf("%s signs in with the printed password: %v", user, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("%s: sign-in ended in challenge %q, want tokens (a confirmed user)", user, out.ChallengeName)
	}
	claims, err := in.tokens.Verify(t.Context(), out.AuthenticationResult.IdToken)
	if err != nil {
		t.Fatal(err)
	}
	return claims
}

func demoPools(t *testing.T, pools *userpool.Service) []string {
	t.Helper()
	out, err := pools.ListUserPools(t.Context(), &userpool.ListUserPoolsInput{MaxResults: 60})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range out.UserPools {
		if p.Name == PoolName {
			ids = append(ids, p.Id)
		}
	}
	return ids
}

// seeded is a start's seed and the passwords of the users it created.
type seeded struct {
	Seeded
	Passwords map[string]string
}

// seedAndCreateUsers is what a start does: seed, then (once sure to run)
// create the users.
func seedAndCreateUsers(ctx context.Context, pools *userpool.Service, st store.Store) (seeded, error) {
	s, err := seed(ctx, pools, st)
	if err != nil {
		return seeded{}, err
	}
	passwords, err := createUsers(ctx, pools, s.PoolID)
	return seeded{s, passwords}, err
}

func TestSeedCreatesOnceAndFindsAfter(t *testing.T) {
	in := newInstance(t, openSQLite(t))
	first, err := seedAndCreateUsers(t.Context(), in.pools, in.st)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Passwords) != 2 {
		t.Fatalf("first seed returned passwords for %v, want rider and keeper", first.Passwords)
	}
	if first.Passwords[Rider] == first.Passwords[Keeper] {
		t.Error("rider and keeper got the same password")
	}
	rider := signIn(t, in, first.Seeded, Rider, first.Passwords[Rider])
	keeper := signIn(t, in, first.Seeded, Keeper, first.Passwords[Keeper])
	if len(rider.Groups) != 0 || !slices.Equal(keeper.Groups, []string{Group}) {
		t.Errorf("groups: rider %v, keeper %v; want none and [%s]", rider.Groups, keeper.Groups, Group)
	}
	if rider.PoolID != first.PoolID {
		t.Errorf("token pool %s, seeded pool %s", rider.PoolID, first.PoolID)
	}

	again, err := seedAndCreateUsers(t.Context(), newInstance(t, in.st).pools, in.st)
	if err != nil {
		t.Fatal(err)
	}
	if again.PoolID != first.PoolID || again.ClientID != first.ClientID || len(again.Passwords) != 0 {
		t.Errorf("second seed = %+v, want pool %s, client %s and no passwords", again, first.PoolID, first.ClientID)
	}
	signIn(t, in, again.Seeded, Rider, first.Passwords[Rider]) // not reset by the second start
	if ids := demoPools(t, in.pools); len(ids) != 1 {
		t.Errorf("demo pools after two starts: %v", ids)
	}
}

// TestSeedRace starts several instances on one PostgreSQL database at once:
// they must agree on one pool and client, leave no duplicate pool behind,
// and create (and print) each user's password exactly once.
func TestSeedRace(t *testing.T) {
	url := testenv.NewPostgresDatabase(t)
	const replicas = 4
	instances := make([]instance, replicas)
	for i := range instances {
		instances[i] = newInstance(t, openPostgres(t, url))
	}
	results := make([]seeded, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			results[i], errs[i] = seedAndCreateUsers(context.Background(), instances[i].pools, instances[i].st)
		})
	}
	wg.Wait()
	printed := map[string]string{}
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		if r.PoolID != results[0].PoolID || r.ClientID != results[0].ClientID {
			t.Errorf("replica %d uses pool %s client %s; replica 0 uses %s %s", i, r.PoolID, r.ClientID, results[0].PoolID, results[0].ClientID)
		}
		for user, pw := range r.Passwords {
			if _, twice := printed[user]; twice {
				t.Errorf("%s's password was created by two replicas", user)
			}
			printed[user] = pw
		}
	}
	if ids := demoPools(t, instances[0].pools); !slices.Equal(ids, []string{results[0].PoolID}) {
		t.Errorf("demo pools after a racing start: %v, want only %s", ids, results[0].PoolID)
	}
	for _, user := range []string{Rider, Keeper} {
		signIn(t, instances[0], results[0].Seeded, user, printed[user])
	}
}

func TestSeedAfterPoolDeleted(t *testing.T) {
	in := newInstance(t, openSQLite(t))
	s, err := seed(t.Context(), in.pools, in.st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.pools.DeleteUserPool(t.Context(), &userpool.DeleteUserPoolInput{UserPoolId: s.PoolID}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed(t.Context(), in.pools, in.st); !errors.Is(err, ErrDeleted) {
		t.Errorf("seed after the demo pool was deleted: %v, want ErrDeleted", err)
	}
	if ids := demoPools(t, in.pools); len(ids) != 0 {
		t.Errorf("a deleted demo pool was recreated: %v", ids)
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := newPassword()
		if len(pw) != 23 || seen[pw] {
			t.Fatalf("password %q: wrong length or repeated", pw)
		}
		seen[pw] = true
	}
}

package sqlstore

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

// FuzzListUsersFilter checks the SQL filter against Go's own string tests:
// ListUsers must match a value exactly when strings.HasPrefix (or ==) says so.
// Values are valid UTF-8, as every value decoded from the JSON wire is.
func FuzzListUsersFilter(f *testing.F) {
	for _, seed := range [][2]string{
		{"alice@example.com", "alice@"}, {"", ""}, {"Grüße", "Grü"}, {"Grüße", "Gru"},
		{"👋x", "👋"}, {"abc", "abcd"}, {"ABC", "abc"}, {"a%b_c", "a%"}, {"x\u00e9", "x\u0065\u0301"},
	} {
		f.Add(seed[0], seed[1])
	}
	s := newSQLite(f)
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "pool1"}); err != nil {
		f.Fatal(err)
	}
	if err := s.CreateUser(ctx, store.User{PoolID: "pool1", Key: "u", Sub: "s"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value, probe string) {
		value, probe = validText(value), validText(probe)
		err := s.UpdateUser(ctx, "pool1", "u", func(u store.User) (store.User, error) {
			u.Username = value
			u.Attributes = map[string]string{"custom:x": value}
			return u, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, attr := range []string{"custom:x", "username"} {
			for _, prefix := range []bool{false, true} {
				users, err := s.ListUsers(ctx, store.UserQuery{PoolID: "pool1", Attribute: attr, Value: probe, Prefix: prefix})
				if err != nil {
					t.Fatal(err)
				}
				want := value == probe || prefix && strings.HasPrefix(value, probe)
				if got := len(users) == 1; got != want {
					t.Fatalf("%s value %q, probe %q, prefix %v: matched %v, want %v", attr, value, probe, prefix, got, want)
				}
			}
		}
	})
}

// validText is s as the wire could deliver it: valid UTF-8 without NUL,
// which PostgreSQL text cannot hold.
func validText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

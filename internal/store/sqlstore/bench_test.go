package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
)

func BenchmarkGetUser(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB, ...Option) *Store
	}{{"SQLite", newSQLite}, {"Postgres", newPostgres}} {
		b.Run(backend.name, func(b *testing.B) {
			s := backend.open(b)
			defer s.Close()
			ctx := context.Background()
			if err := s.CreateUserPool(ctx, store.UserPool{ID: "pool1"}); err != nil {
				b.Fatal(err)
			}
			attrs := map[string]string{"email": "alice@example.com", "email_verified": "true", "name": "Alice", "phone_number": "+15555550100", "sub": "sub1"}
			if err := s.CreateUser(ctx, store.User{PoolID: "pool1", Key: "alice", Sub: "sub1", Attributes: attrs, State: []byte(`{}`)}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.GetUser(ctx, "pool1", "alice"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetClient is the cost of opening a sealed client secret on read.
func BenchmarkGetClient(b *testing.B) {
	master, _ := sealing.GenerateMasterKey()
	for name, opts := range map[string][]Option{"Plain": nil, "Sealed": {WithMasterKey(master)}} {
		b.Run(name, func(b *testing.B) {
			s := newSQLite(b, opts...)
			defer s.Close()
			ctx := context.Background()
			if err := s.CreateUserPool(ctx, store.UserPool{ID: "pool1"}); err != nil {
				b.Fatal(err)
			}
			if err := s.CreateClient(ctx, store.Client{PoolID: "pool1", ID: "c1", Secret: "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef"}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.GetClient(ctx, "pool1", "c1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEstimatedUsers compares counting a pool's users with listing them
// (what DescribeUserPool did before CountUsers).
func BenchmarkEstimatedUsers(b *testing.B) {
	s := newSQLite(b)
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "pool1"}); err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		k := fmt.Sprintf("user%05d", i)
		if err := s.CreateUser(ctx, store.User{PoolID: "pool1", Key: k, Sub: k, Attributes: map[string]string{"email": k + "@example.com"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("CountUsers", func(b *testing.B) {
		for b.Loop() {
			if n, err := s.CountUsers(ctx, "pool1"); err != nil || n != 2000 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("ListUsers", func(b *testing.B) {
		for b.Loop() {
			if u, err := s.ListUsers(ctx, store.UserQuery{PoolID: "pool1"}); err != nil || len(u) != 2000 {
				b.Fatal(len(u), err)
			}
		}
	})
}

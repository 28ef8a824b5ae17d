package sqlstore

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func BenchmarkGetUser(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *Store
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

package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/conformance"
	"github.com/moat-dev/moat/internal/testenv"
)

func newSQLite(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "data", "moat.db"), opts...)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	return s
}

func newPostgres(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := OpenPostgres(context.Background(), testenv.NewPostgresDatabase(t), opts...)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	return s
}

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	conformance.RunTests(t, func(t *testing.T) store.Store { return newSQLite(t) })
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	conformance.RunTests(t, func(t *testing.T) store.Store { return newPostgres(t) })
}

// The suite again with secrets sealed, as moat serve runs: sealing must be
// invisible to every method, inside Atomic too.
func TestSQLiteSealedConformance(t *testing.T) {
	t.Parallel()
	master, _ := sealing.GenerateMasterKey()
	conformance.RunTests(t, func(t *testing.T) store.Store { return newSQLite(t, WithMasterKey(master)) })
}

func TestPostgresSealedConformance(t *testing.T) {
	t.Parallel()
	master, _ := sealing.GenerateMasterKey()
	conformance.RunTests(t, func(t *testing.T) store.Store { return newPostgres(t, WithMasterKey(master)) })
}

// TestAtomicPanicReleasesWriter: a panic inside Atomic rolls back, so the
// single SQLite writer connection is free for the next write.
func TestAtomicPanicReleasesWriter(t *testing.T) {
	t.Parallel()
	s := newSQLite(t)
	defer s.Close()
	ctx := context.Background()
	func() {
		defer func() { _ = recover() }()
		_ = s.Atomic(ctx, func(tx store.Store) error {
			if err := tx.CreateUserPool(ctx, store.UserPool{ID: "gone"}); err != nil {
				t.Fatal(err)
			}
			panic("boom")
		})
	}()
	done := make(chan error, 1)
	go func() { done <- s.CreateUserPool(ctx, store.UserPool{ID: "next"}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the writer connection stayed taken after a panic in Atomic")
	}
	if _, err := s.GetUserPool(ctx, "gone"); err == nil {
		t.Error("the panicking transaction was committed")
	}
}

package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// testAtomicRollback: a failing Atomic leaves nothing of what it did, across
// aggregates (a user, its group and the membership).
func testAtomicRollback(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	boom := errors.New("boom")
	err := s.Atomic(ctx, func(tx store.Store) error {
		group(t, tx, p.ID, "admins", nil)
		user(t, tx, p.ID, "alice", nil)
		must(t, tx.AddUserToGroup(ctx, p.ID, "alice", "admins"), "AddUserToGroup in Atomic")
		must(t, tx.UpdateUserPool(ctx, p.ID, func(p store.UserPool) (store.UserPool, error) { p.Name = "changed"; return p, nil }), "UpdateUserPool in Atomic")
		if _, err := tx.GetUser(ctx, p.ID, "alice"); err != nil {
			t.Errorf("the transaction does not see its own write: %v", err)
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Atomic = %v, want fn's own error", err)
	}
	want(t, errOnly(s.GetUser(ctx, p.ID, "alice")), store.ErrNotFound, "user after rollback")
	want(t, errOnly(s.GetGroup(ctx, p.ID, "admins")), store.ErrNotFound, "group after rollback")
	got, err := s.GetUserPool(ctx, p.ID)
	must(t, err, "GetUserPool")
	same(t, got, p, "pool after rollback")

	must(t, s.Atomic(ctx, func(tx store.Store) error {
		group(t, tx, p.ID, "admins", nil)
		user(t, tx, p.ID, "alice", nil)
		return tx.AddUserToGroup(ctx, p.ID, "alice", "admins")
	}), "Atomic commit")
	in, err := s.ListUsersInGroup(ctx, p.ID, "admins")
	must(t, err, "ListUsersInGroup")
	same(t, keysOf(in), []string{"alice"}, "members after commit")
}

// testAtomicIsolation: a reader outside the transaction neither waits for it
// nor sees its writes before the commit.
func testAtomicIsolation(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	must(t, s.Atomic(ctx, func(tx store.Store) error {
		user(t, tx, p.ID, "alice", nil)
		seen := make(chan error, 1)
		go func() { seen <- errOnly(s.GetUser(ctx, p.ID, "alice")) }()
		select {
		case err := <-seen:
			want(t, err, store.ErrNotFound, "a concurrent reader during the transaction")
		case <-time.After(30 * time.Second):
			t.Fatal("a concurrent reader waited for the transaction")
		}
		n, err := s.CountUsers(ctx, p.ID)
		must(t, err, "CountUsers outside")
		same(t, n, int64(0), "users counted outside the transaction")
		return nil
	}), "Atomic")
	must(t, errOnly(s.GetUser(ctx, p.ID, "alice")), "user after commit")
}

// testAtomicErrorsInside: an error inside Atomic (a refused insert, an
// updater's error) is the caller's to handle; the transaction goes on.
// Atomic called on tx joins it: a failing inner call undoes only its part.
func testAtomicErrorsInside(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	boom := errors.New("boom")
	must(t, s.Atomic(ctx, func(tx store.Store) error {
		want(t, tx.CreateUserPool(ctx, store.UserPool{ID: p.ID, Name: "dup"}), store.ErrAlreadyExists, "duplicate in Atomic")
		if err := tx.UpdateUserPool(ctx, p.ID, func(p store.UserPool) (store.UserPool, error) { p.Name = "x"; return p, boom }); err != boom {
			t.Fatalf("updater error in Atomic: %v", err)
		}
		if err := tx.Atomic(ctx, func(inner store.Store) error {
			user(t, inner, p.ID, "inner", nil)
			return boom
		}); err != boom {
			t.Fatalf("nested Atomic = %v, want its fn's error", err)
		}
		return tx.Atomic(ctx, func(inner store.Store) error {
			user(t, inner, p.ID, "kept", nil)
			return nil
		})
	}), "Atomic after handled errors")
	got, err := s.GetUserPool(ctx, p.ID)
	must(t, err, "GetUserPool")
	same(t, got, p, "pool unchanged by the failed updater")
	want(t, errOnly(s.GetUser(ctx, p.ID, "inner")), store.ErrNotFound, "user of the failed nested Atomic")
	must(t, errOnly(s.GetUser(ctx, p.ID, "kept")), "user of the nested Atomic that succeeded")
}

// testConcurrentAtomic: read-modify-write through updaters inside
// concurrent Atomic calls loses no update.
func testConcurrentAtomic(t *testing.T, s store.Store) {
	concurrentIncrements(t, s, 10, "Atomic", func() error {
		return s.Atomic(ctx, func(tx store.Store) error {
			return tx.UpdateUser(ctx, "pool1", "counter", incrementCount)
		})
	})
}

func errOnly[T any](_ T, err error) error { return err }

package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/conformance"
	"github.com/moat-dev/moat/internal/testenv"
)

func newSQLite(t testing.TB) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "data", "moat.db"))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	return s
}

func newPostgres(t testing.TB) *Store {
	t.Helper()
	s, err := OpenPostgres(context.Background(), testenv.NewPostgresDatabase(t))
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

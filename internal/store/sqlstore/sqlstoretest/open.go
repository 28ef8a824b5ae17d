// Package sqlstoretest gives a test its own store: a fresh SQLite file in
// the test's temporary directory, migrated, and closed when the test ends.
package sqlstoretest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/store/sqlstore"
)

// Open is a new, empty, migrated SQLite store for t.
func Open(t testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "moat.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

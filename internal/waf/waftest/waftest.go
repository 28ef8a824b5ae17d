// Package waftest gives the WAF's adapters' tests a real WAF service: an
// engine logging nowhere, over a fresh SQLite store, in us-east-1 and
// account 000000000000.
package waftest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/waf"
)

// NewService returns the service and its store, closed when t ends.
func NewService(t testing.TB) (*waf.Service, *sqlstore.Store) {
	t.Helper()
	st, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	engine, err := waf.NewEngine(waf.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return waf.NewService(waf.ServiceConfig{Store: st, Engine: engine, Region: "us-east-1", Account: "000000000000"}), st
}

package functions

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/functions/functionstest"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
)

const (
	testRegion  = "us-east-1"
	testAccount = "000000000000"
	testRole    = functionstest.RoleARN
)

// newTestRuntime is a Runtime on a fresh SQLite store holding the
// functions' execution role; tweak adjusts its Config first.
func newTestRuntime(t testing.TB, tweak func(*Config)) (*Runtime, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	functionstest.ExecutionRole(t, st)
	return newRuntimeOn(t, st, tweak), st
}

// newRuntimeOn is a Runtime on st, closed when the test ends: a second
// one on the same store is another replica. Unless tweak chooses, memory
// is enforced where a cgroup can be made, so the other tests run on any
// machine (TestMemorySizeIsEnforced asks for the cgroup).
func newRuntimeOn(t testing.TB, st store.Store, tweak func(*Config)) *Runtime {
	t.Helper()
	cfg := Config{Store: st, Region: testRegion, Account: testAccount, WorkDir: t.TempDir()}
	if tweak != nil {
		tweak(&cfg)
	}
	r, err := New(cfg)
	if err == nil && cfg.Memory == "" && r.memoryUnavailable != nil {
		r.Close()
		cfg.Memory = MemoryUnenforced
		r, err = New(cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// zipOf is a deployment package holding files.
func zipOf(t testing.TB, files map[string]string) []byte {
	return functionstest.Zip(t, files)
}

// pythonFunction creates name running source as lambda_function.py.
func pythonFunction(t testing.TB, r *Runtime, name, source string, d Definition) Function {
	t.Helper()
	if d.Runtime == "" {
		d.Runtime, d.Handler = "python3.12", "lambda_function.handler"
	}
	d.Role = testRole
	f, err := r.Create(context.Background(), name, d, zipOf(t, map[string]string{"lambda_function.py": source}))
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return f
}

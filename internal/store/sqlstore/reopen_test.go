package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/testenv"
)

// survivesReopen writes through one Store, closes it, and reads through a new one.
func survivesReopen(t *testing.T, open func() (*Store, error)) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	pool := store.UserPool{ID: "pool1", Name: "p", Settings: []byte(`{"a":1}`), CreatedAt: 1, UpdatedAt: 2}
	u := store.User{PoolID: "pool1", Key: "alice", Username: "Alice", Sub: "sub1", Status: "CONFIRMED", Enabled: true,
		Attributes: map[string]string{"email": "alice@example.com"}, State: []byte(`{}`), CreatedAt: 3, UpdatedAt: 4}
	if err := s.CreateUserPool(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSettingIfAbsent(ctx, "admin", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = open()
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	gotPool, err := s.GetUserPool(ctx, "pool1")
	if err != nil || fmt.Sprintf("%#v", gotPool) != fmt.Sprintf("%#v", pool) {
		t.Errorf("pool after reopen: %#v, %v", gotPool, err)
	}
	gotUser, err := s.GetUser(ctx, "pool1", "alice")
	if err != nil || fmt.Sprintf("%#v", gotUser) != fmt.Sprintf("%#v", u) {
		t.Errorf("user after reopen: %#v, %v", gotUser, err)
	}
	if v, err := s.GetSetting(ctx, "admin"); err != nil || v != "v1" {
		t.Errorf("setting after reopen: %q, %v", v, err)
	}
}

func TestSQLiteSurvivesReopen(t *testing.T) {
	t.Parallel()
	// Characters SQLite's URI syntax would misread must reach the file system as written.
	path := filepath.Join(t.TempDir(), "odd ?dir# %41", "moat.db")
	survivesReopen(t, func() (*Store, error) { return OpenSQLite(context.Background(), path) })
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not at %s: %v", path, err)
	}
}

func TestPostgresSurvivesReopen(t *testing.T) {
	t.Parallel()
	url := testenv.NewPostgresDatabase(t)
	survivesReopen(t, func() (*Store, error) { return OpenPostgres(context.Background(), url) })
}

// TestPostgresConcurrentOpen starts several stores on one fresh database at
// once, as several moat processes would: the migration lock lets all succeed.
func TestPostgresConcurrentOpen(t *testing.T) {
	t.Parallel()
	url := testenv.NewPostgresDatabase(t)
	const n = 5
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = OpenPostgres(context.Background(), url) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("OpenPostgres %d: %v", i, errs[i])
		}
		defer stores[i].Close()
	}
	for i, s := range stores {
		v, err := s.PutSettingIfAbsent(context.Background(), "winner", fmt.Sprint(i))
		if err != nil || v != "0" {
			t.Errorf("store %d: PutSettingIfAbsent = %q, %v; want the first value", i, v, err)
		}
	}
}

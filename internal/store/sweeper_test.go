package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
)

// TestSweeperKeepsSessionsForTheGrace: a session is swept only once the
// grace past its expiry is over, and Run stops with its context.
func TestSweeperKeepsSessionsForTheGrace(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Unix(1_800_000_000, 0)
	for _, err := range []error{
		st.CreateUserPool(ctx, store.UserPool{ID: "p"}),
		st.CreateClient(ctx, store.Client{PoolID: "p", ID: "c"}),
		st.CreateUser(ctx, store.User{PoolID: "p", Key: "u", Sub: "s"}),
		st.CreateRefreshToken(ctx, store.RefreshToken{Hash: "two-days", PoolID: "p", ClientID: "c", UserKey: "u", ExpiresAt: now.Add(-48 * time.Hour).Unix()}),
		st.CreateRefreshToken(ctx, store.RefreshToken{Hash: "an-hour", PoolID: "p", ClientID: "c", UserKey: "u", ExpiresAt: now.Add(-time.Hour).Unix()}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	sw := store.Sweeper{Store: st, Every: time.Hour, SessionGrace: 24 * time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	swept, err := sw.SweepOnce(ctx)
	if err != nil || swept.Sessions != 1 {
		t.Fatalf("SweepOnce = %+v, %v; want one session", swept, err)
	}
	if _, err := st.GetRefreshToken(ctx, "two-days"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session two days past expiry: %v", err)
	}
	if _, err := st.GetRefreshToken(ctx, "an-hour"); err != nil {
		t.Errorf("session within the grace: %v", err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sw.Run(runCtx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}

package tokens

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/testenv"
)

func kidOf(t *testing.T, token string) string {
	t.Helper()
	return decodeSegment(t, token, 0)["kid"].(string)
}

func TestRotationKeepsOldTokensVerifying(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	st := openStore(t, "us-east-1_pool")
	s := clock.serviceOn(st)
	exp := clock.in(MaxTokenLifetime)
	oldID := mustSign(t, s, "us-east-1_pool", UseID, idClaims(exp))
	oldAccess := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(exp))

	if err := s.RotateKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	newID := mustSign(t, s, "us-east-1_pool", UseID, idClaims(exp))
	newAccess := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(exp))
	if kidOf(t, newID) == kidOf(t, oldID) || kidOf(t, newAccess) == kidOf(t, oldAccess) {
		t.Fatal("tokens signed after the rotation use the old kids")
	}

	fresh := clock.serviceOn(st) // no cache, keys loaded from the store
	for _, tok := range []string{oldID, oldAccess, newID, newAccess} {
		if _, err := fresh.Verify(ctx, tok); err != nil {
			t.Errorf("after rotation: %v", err)
		}
	}
	keys, _ := st.ListSigningKeys(ctx, "us-east-1_pool")
	var active, retired int
	for _, k := range keys {
		if k.RetiredAt == 0 {
			active++
		} else {
			retired++
		}
	}
	if active != 2 || retired != 2 {
		t.Errorf("after one rotation: %d active and %d retired keys, want 2 and 2", active, retired)
	}

	// A day later the retired keys may go; tokens they signed then fail.
	clock.advance(MaxTokenLifetime)
	if err := s.PruneKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	if keys, _ := st.ListSigningKeys(ctx, "us-east-1_pool"); len(keys) != 4 {
		t.Errorf("pruned before replicas could have stopped signing: %d keys left", len(keys))
	}
	clock.advance(keysMaxAge + time.Second)
	if err := s.PruneKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	if keys, _ := st.ListSigningKeys(ctx, "us-east-1_pool"); len(keys) != 2 {
		t.Errorf("after pruning: %d keys, want the 2 active", len(keys))
	}
	clock.unixNano.Add(-int64(MaxTokenLifetime)) // back before exp, to see the key, not the time, reject it
	s.ForgetPool("us-east-1_pool")
	if _, err := s.Verify(ctx, oldAccess); !errors.Is(err, ErrInvalid) {
		t.Errorf("token of a pruned key: err = %v, want ErrInvalid", err)
	}
	if _, err := s.Verify(ctx, newAccess); err != nil {
		t.Errorf("token of an active key: %v", err)
	}
}

// Two replicas share a store: each picks up the other's rotation, by age for
// signing and at once (rate-limited) for an unknown kid.
func TestReplicasSeeEachOthersRotation(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	st := openStore(t, "us-east-1_pool")
	a, b := clock.serviceOn(st), clock.serviceOn(st)
	clockB := newTestClock()
	b.now = clockB.now
	exp := clock.in(time.Hour)
	before := mustSign(t, b, "us-east-1_pool", UseAccess, accessClaims(exp))

	if err := a.RotateKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	fromA := mustSign(t, a, "us-east-1_pool", UseAccess, accessClaims(exp))
	if _, err := b.Verify(ctx, fromA); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown kid right after a load: err = %v, want ErrInvalid (reload rate-limited)", err)
	}
	clockB.advance(unknownKIDReloadEvery)
	if _, err := b.Verify(ctx, fromA); err != nil {
		t.Errorf("unknown kid after the rate limit: %v", err)
	}
	if _, err := a.Verify(ctx, before); err != nil {
		t.Errorf("token signed before the rotation: %v", err)
	}

	signingKID := func(s *Service) string {
		return kidOf(t, mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(exp)))
	}
	bKID := signingKID(b)
	if err := a.RotateKeys(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	if signingKID(b) != bKID {
		t.Fatal("b saw the rotation before its keys aged")
	}
	clockB.advance(keysMaxAge)
	if got, want := signingKID(b), signingKID(a); got != want {
		t.Errorf("b signs with %s after %v, want the rotated %s", got, keysMaxAge, want)
	}
}

func TestEnsureKeys(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	st := openStore(t, "us-east-1_pool")
	s := clock.serviceOn(st)
	for range 2 {
		if err := s.EnsureKeys(ctx, "us-east-1_pool"); err != nil {
			t.Fatal(err)
		}
	}
	keys, _ := st.ListSigningKeys(ctx, "us-east-1_pool")
	if len(keys) != 2 || keys[0].Use == keys[1].Use {
		t.Errorf("keys after EnsureKeys twice = %+v, want one per use", keys)
	}
	if err := s.EnsureKeys(ctx, "us-east-1_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("EnsureKeys of a missing pool: %v, want store.ErrNotFound", err)
	}
	if _, err := s.Sign(ctx, "us-east-1_missing", UseID, idClaims(clock.in(time.Hour))); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Sign for a missing pool: %v, want store.ErrNotFound", err)
	}
	if _, err := s.Sign(ctx, "us-east-1_pool", "refresh", nil); err == nil {
		t.Error("Sign accepted token use \"refresh\"")
	}
}

// Replicas racing to create a pool's first keys may leave extra active keys,
// but every replica signs with the same one.
func TestRacingEnsureKeysAgreeOnSigningKey(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRacingEnsureKeys(t, openStore(t, "us-east-1_pool")) })
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		st, err := sqlstore.OpenPostgres(ctx, testenv.NewPostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		createPool(t, st, "us-east-1_pool")
		testRacingEnsureKeys(t, st)
	})
}

func testRacingEnsureKeys(t *testing.T, st store.Store) {
	ctx := context.Background()
	clock := newTestClock()
	replicas := []*Service{clock.serviceOn(st), clock.serviceOn(st), clock.serviceOn(st)}
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() {
			if err := r.EnsureKeys(ctx, "us-east-1_pool"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, use := range uses {
		kids := map[string]bool{}
		for _, r := range replicas {
			if err := r.reload(ctx, "us-east-1_pool"); err != nil {
				t.Fatal(err)
			}
			kids[kidOf(t, mustSign(t, r, "us-east-1_pool", use, accessClaims(clock.in(time.Hour))))] = true
		}
		if len(kids) != 1 {
			t.Errorf("replicas sign %s tokens with %d different keys", use, len(kids))
		}
	}
}

// Keys already loaded keep verifying while the store is unreachable; an
// uncached token of a deleted pool stops verifying once its keys are reloaded
// (cached ones need ForgetPool).
func TestKeysOutliveStoreOutageNotPoolDeletion(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	st := openStore(t, "us-east-1_pool")
	s := clock.serviceOn(st)
	tok := mustSign(t, s, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Hour)))

	if err := st.DeleteUserPool(ctx, "us-east-1_pool"); err != nil {
		t.Fatal(err)
	}
	clock.advance(keysMaxAge)
	if _, err := s.Verify(ctx, tok); !errors.Is(err, ErrInvalid) {
		t.Errorf("token of a deleted pool: err = %v, want ErrInvalid", err)
	}

	st2 := openStore(t, "us-east-1_pool")
	s2 := clock.serviceOn(st2)
	tok = mustSign(t, s2, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Hour)))
	st2.Close()
	clock.advance(keysMaxAge)
	if _, err := s2.Verify(ctx, tok); err != nil {
		t.Errorf("with the store closed: %v, want the loaded keys to still verify", err)
	}
}

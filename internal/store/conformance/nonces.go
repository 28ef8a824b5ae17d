package conformance

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

func testNonces(t *testing.T, s store.Store) {
	ctx := context.Background()
	later := time.Now().Add(time.Hour).Unix()
	fresh, err := s.ConsumeNonce(ctx, "siwe", "n1", later)
	if err != nil || !fresh {
		t.Fatalf("first use: fresh=%v err=%v", fresh, err)
	}
	if fresh, err := s.ConsumeNonce(ctx, "siwe", "n1", later); err != nil || fresh {
		t.Fatalf("second use: fresh=%v err=%v", fresh, err)
	}
	if fresh, err := s.ConsumeNonce(ctx, "other", "n1", later); err != nil || !fresh {
		t.Fatalf("a nonce is scoped: fresh=%v err=%v", fresh, err)
	}

	// An expired record is swept, so its nonce is fresh again (it could not
	// be accepted anyway: whatever carried it expired with it).
	past := time.Now().Add(-time.Minute).Unix()
	if _, err := s.ConsumeNonce(ctx, "siwe", "old", past); err != nil {
		t.Fatal(err)
	}
	if fresh, err := s.ConsumeNonce(ctx, "siwe", "old", later); err != nil || !fresh {
		t.Fatalf("an expired record must be swept: fresh=%v err=%v", fresh, err)
	}

	// Racing consumers: exactly one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fresh, err := s.ConsumeNonce(ctx, "siwe", "race", later)
			if err != nil {
				t.Error(err)
			}
			if fresh {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d racing consumers won; want exactly 1", wins.Load())
	}
}

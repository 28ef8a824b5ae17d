package authorizer

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// Buffered signed bodies share a bounded budget: when it is spent, a
// request waits for room and, finding none in time, gets API Gateway's 429;
// room comes back when a holder's request ends, admitting a waiter.
func TestIAMBodyBudget(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	creds := awsCreds(f.issue(t, identityA, "Users", true))
	const size = 1 << 20
	f.authz.bodies = newByteBudget(3 * size)
	body := bytes.Repeat([]byte("x"), size)
	upload := func(ctx context.Context) error {
		req := signed(t, creds, "PUT", "users/"+identityA, body, time.Now())
		req.HTTP = req.HTTP.WithContext(ctx)
		_, err := f.authz.Authorize(ctx, req)
		return err
	}
	var ends []context.CancelFunc
	for range 3 {
		ctx, end := context.WithCancel(context.Background())
		defer end()
		ends = append(ends, end)
		if err := upload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	err := upload(context.Background())
	wantIAMRefusal(t, err, gateway.Throttled, "Too Many Requests", "")
	if waited := time.Since(start); waited < signedBodyWait/2 {
		t.Errorf("refused after %v; a request should wait about %v for room", waited, signedBodyWait)
	}

	admitted := make(chan error, 1)
	go func() { admitted <- upload(context.Background()) }()
	time.Sleep(50 * time.Millisecond) // let it wait
	ends[0]()                         // the first upload's request ends
	select {
	case err := <-admitted:
		if err != nil {
			t.Fatalf("a waiting upload was refused when room came back: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiting upload was not admitted when room came back")
	}
}

func TestByteBudget(t *testing.T) {
	b := newByteBudget(10)
	ctx := context.Background()
	if !b.take(ctx, 10, 0) || b.take(ctx, 1, time.Millisecond) {
		t.Fatal("the budget let out more than it holds")
	}
	b.give(4)
	if !b.take(ctx, 4, 0) || b.take(ctx, 1, time.Millisecond) {
		t.Fatal("given bytes were not taken back exactly")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if b.take(cancelled, 1, time.Hour) {
		t.Fatal("a cancelled wait took bytes")
	}
}

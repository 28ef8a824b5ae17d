package functions

import (
	"context"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const sleeping = `
import time

def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"slept": event.get("sleep", 0)}
`

// throttled checks err is Lambda's TooManyRequestsException for reason.
func throttled(t *testing.T, err error, reason string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != "TooManyRequestsException" || e.Status != 429 || e.Message != "Rate Exceeded." || e.Members["Reason"] != reason {
		t.Fatalf("got %v; want TooManyRequestsException (429) Rate Exceeded. for %s", err, reason)
	}
}

// runBusy starts an invocation that sleeps, and waits until it is running.
func runBusy(t *testing.T, r *Runtime, function string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := r.Invoke(context.Background(), Request{Function: function, Payload: []byte(`{"sleep": 3}`)})
		done <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		r.mu.Lock()
		p := r.pools[function]
		running := p != nil && p.inflight > 0
		r.mu.Unlock()
		if running {
			return done
		}
		if time.Now().After(deadline) {
			t.Fatal("the busy invocation never started")
		}
	}
}

// Reserved concurrency caps a function's invocations at once (0 refuses
// every one) and the global limit caps all functions', each refusal
// Lambda's TooManyRequestsException with its reason, counted.
func TestConcurrencyThrottles(t *testing.T) {
	reg := prometheus.NewRegistry()
	r, _ := newTestRuntime(t, func(c *Config) { c.MaxConcurrency = 2; c.Registry = reg })
	ctx := context.Background()
	pythonFunction(t, r, "reserved", sleeping, Definition{Timeout: 10})
	pythonFunction(t, r, "other", sleeping, Definition{Timeout: 10})

	if _, err := r.PutConcurrency(ctx, "reserved", 0); err != nil {
		t.Fatal(err)
	}
	_, err := r.Invoke(ctx, Request{Function: "reserved"})
	throttled(t, err, reasonReserved)
	if _, err := r.PutConcurrency(ctx, "reserved", 3); err == nil {
		t.Fatal("reserved 3 accepted over a global limit of 2")
	}

	if _, err := r.PutConcurrency(ctx, "reserved", 1); err != nil {
		t.Fatal(err)
	}
	busy := runBusy(t, r, "reserved")
	_, err = r.Invoke(ctx, Request{Function: "reserved"})
	throttled(t, err, reasonReserved)
	if res, err := r.Invoke(ctx, Request{Function: "other"}); err != nil || res.FunctionError != "" {
		t.Fatalf("another function within the global limit: %v", err)
	}
	otherBusy := runBusy(t, r, "other")
	_, err = r.Invoke(ctx, Request{Function: "other"})
	throttled(t, err, reasonAccount)
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if err := <-otherBusy; err != nil {
		t.Fatal(err)
	}
	if _, err := r.Invoke(ctx, Request{Function: "reserved"}); err != nil {
		t.Fatalf("after the busy invocation ended: %v", err)
	}
	if err := r.DeleteConcurrency(ctx, "reserved"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(r.metrics.throttles.WithLabelValues("reserved")); got != 2 {
		t.Fatalf("throttles of reserved: %v, want 2", got)
	}
	if got := testutil.ToFloat64(r.metrics.throttles.WithLabelValues("other")); got != 1 {
		t.Fatalf("throttles of other: %v, want 1", got)
	}
}

package functions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recording writes each invocation's event to the file $CALLS names, and
// fails when the event asks.
const recording = `
import json, os

def handler(event, context):
    with open(os.environ["CALLS"], "a") as f:
        f.write(json.dumps(event) + "\n")
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {}
`

// calls is how many invocations the file has recorded.
func calls(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// An Event invocation that fails is tried three times in all, as Lambda's
// asynchronous invocations are (the first and two retries), then dropped;
// one that succeeds runs once.
func TestEventRetries(t *testing.T) {
	const delay = 100 * time.Millisecond
	r, st := newTestRuntime(t, func(c *Config) { c.RetryDelay = delay })
	ctx := context.Background()
	failing, succeeding := filepath.Join(t.TempDir(), "failing"), filepath.Join(t.TempDir(), "succeeding")
	pythonFunction(t, r, "failing", recording, Definition{Environment: map[string]string{"CALLS": failing}})
	pythonFunction(t, r, "succeeding", recording, Definition{Environment: map[string]string{"CALLS": succeeding}})

	if _, err := r.InvokeAsync(ctx, "failing", []byte(`{"fail": true}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.InvokeAsync(ctx, "succeeding", []byte(`{"n": 1}`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); len(calls(t, failing)) < eventAttempts; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the failing event ran %d times in 20s; want %d", len(calls(t, failing)), eventAttempts)
		}
	}
	time.Sleep(4*delay + 2*eventPollEvery) // past when a fourth attempt would be due
	if got := calls(t, failing); len(got) != eventAttempts {
		t.Fatalf("the failing event ran %d times: %q; want %d", len(got), got, eventAttempts)
	}
	if got := calls(t, succeeding); len(got) != 1 || got[0] != `{"n": 1}` {
		t.Fatalf("the succeeding event ran as %q; want once", got)
	}
	if _, ok, err := st.ClaimFunctionEvent(ctx, time.Now().Add(time.Hour).UnixMilli(), time.Now().Add(2*time.Hour).UnixMilli()); err != nil || ok {
		t.Fatalf("an event is still queued (%v, %v)", ok, err)
	}

	// Events too large for Lambda's asynchronous limit, or not JSON, are refused at once.
	if _, err := r.InvokeAsync(ctx, "failing", []byte(`{"big": "`+strings.Repeat("x", MaxEventPayload)+`"}`)); err == nil {
		t.Fatal("an event over 256 KB was queued")
	}
	if _, err := r.InvokeAsync(ctx, "failing", []byte(`not json`)); err == nil {
		t.Fatal("an event that is not JSON was queued")
	}
	if _, err := r.InvokeAsync(ctx, "missing", nil); err == nil {
		t.Fatal("an event for a missing function was queued")
	}
}

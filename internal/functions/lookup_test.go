package functions

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// Invocations read their function through a cache: a change made on this
// replica is seen by the next call, another replica's within
// functionCacheTTL, including a function created after this replica
// looked for it and found none.
func TestFunctionCacheFollowsChanges(t *testing.T) {
	a, st := newTestRuntime(t, nil)
	b := newRuntimeOn(t, st, nil)
	ctx := context.Background()
	answer := func(r *Runtime) string {
		t.Helper()
		res, err := r.Invoke(ctx, Request{Function: "echo"})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Payload)
	}
	eventually := func(r *Runtime, want string) {
		t.Helper()
		for deadline := time.Now().Add(functionCacheTTL + time.Second); ; time.Sleep(50 * time.Millisecond) {
			res, err := r.Invoke(ctx, Request{Function: "echo"})
			got := err
			if err == nil && strings.Contains(string(res.Payload), want) {
				return
			}
			if err == nil {
				got = fmt.Errorf("%s", res.Payload)
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %v the other replica answers %v; want %s", functionCacheTTL+time.Second, got, want)
			}
		}
	}

	if _, err := b.Invoke(ctx, Request{Function: "echo"}); err == nil {
		t.Fatal("invoked a function before it was created")
	} else if e, ok := awserr.As(err); !ok || e.Code != codeNotFound {
		t.Fatalf("%v; want ResourceNotFoundException", err)
	}
	pythonFunction(t, a, "echo", echoPython, Definition{})
	if got := answer(a); !strings.Contains(got, `"v1"`) {
		t.Fatalf("the creating replica answers %s", got)
	}
	eventually(b, `"v1"`) // b had it cached as missing

	if _, err := a.UpdateCode(ctx, "echo", zipOf(t, map[string]string{"lambda_function.py": strings.Replace(echoPython, "v1", "v2", 1)}), nil, ""); err != nil {
		t.Fatal(err)
	}
	if got := answer(a); !strings.Contains(got, `"v2"`) {
		t.Fatalf("the updating replica's next call answers %s; want v2", got)
	}
	eventually(b, `"v2"`)

	if _, err := b.PutConcurrency(ctx, "echo", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Invoke(ctx, Request{Function: "echo"}); err == nil {
		t.Fatal("the replica that throttled the function still invokes it")
	}
	if err := a.Delete(ctx, "echo"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Invoke(ctx, Request{Function: "echo"}); err == nil {
		t.Fatal("the deleting replica still invokes the function")
	}
}

package functions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/testenv"
)

// allocating keeps the memory it touches: 200 MB of bytes written, more
// than Lambda's smallest MemorySize.
const allocating = `
def handler(event, context):
    hoard = b"x" * (event["mb"] << 20)
    return {"held": len(hoard) >> 20}
`

// TestMemorySizeIsEnforced: a handler past its MemorySize is killed and
// the invoke answers as Lambda's does; given the memory, the same handler
// succeeds, so the limit is the function's own.
func TestMemorySizeIsEnforced(t *testing.T) {
	r, _ := newTestRuntime(t, func(c *Config) { c.Memory = MemoryCgroup })
	if r.cgroups == nil {
		testenv.Missing(t, "a writable memory cgroup", fmt.Sprint(r.memoryUnavailable))
	}
	pythonFunction(t, r, "small", allocating, Definition{MemorySize: 128, Timeout: 30})
	pythonFunction(t, r, "large", allocating, Definition{MemorySize: 512, Timeout: 30})
	ctx := context.Background()

	res, err := r.Invoke(ctx, Request{Function: "small", Payload: []byte(`{"mb": 200}`)})
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ ErrorType, ErrorMessage string }
	if err := json.Unmarshal(res.Payload, &answer); err != nil {
		t.Fatalf("%s: %v", res.Payload, err)
	}
	if res.FunctionError != FunctionErrorUnhandled || answer.ErrorType != "Runtime.ExitError" ||
		!strings.HasSuffix(answer.ErrorMessage, " Error: Runtime exited with error: signal: killed") ||
		!strings.HasPrefix(answer.ErrorMessage, "RequestId: ") {
		t.Fatalf("past MemorySize: %q %s; want Unhandled Runtime.ExitError, signal: killed", res.FunctionError, res.Payload)
	}

	res, err = r.Invoke(ctx, Request{Function: "large", Payload: []byte(`{"mb": 200}`)})
	if err != nil || res.FunctionError != "" || string(res.Payload) != `{"held": 200}` {
		t.Fatalf("within MemorySize: %v %q %s", err, res.FunctionError, res.Payload)
	}
	// The killed worker is gone; the next call starts a fresh one.
	res, err = r.Invoke(ctx, Request{Function: "small", Payload: []byte(`{"mb": 1}`)})
	if err != nil || res.FunctionError != "" {
		t.Fatalf("after the kill: %v %q %s", err, res.FunctionError, res.Payload)
	}
}

// TestMemoryUnenforceableIsRefused: where no cgroup can be made, a function
// with code is refused at creation and at invocation, naming the setting
// that opts out; with the opt-out it runs.
func TestMemoryUnenforceableIsRefused(t *testing.T) {
	r, _ := newTestRuntime(t, func(c *Config) { c.Memory = MemoryCgroup })
	if r.cgroups != nil {
		r.cgroups.close()
	}
	r.memoryUnavailable, r.cgroups = errors.New("no memory cgroup can be made here; set function-memory: unenforced"), nil
	_, err := r.Create(context.Background(), "f", Definition{Runtime: "python3.12", Handler: "lambda_function.handler", Role: testRole},
		zipOf(t, map[string]string{"lambda_function.py": allocating}))
	if e, ok := awserr.As(err); !ok || e.Code != codeInvalidParam || !strings.Contains(e.Message, "function-memory: unenforced") {
		t.Fatalf("create: %v; want InvalidParameterValueException naming function-memory", err)
	}

	free := newRuntimeOn(t, r.store, func(c *Config) { c.Memory = MemoryUnenforced })
	if free.cgroups != nil || free.memoryUnavailable != nil {
		t.Fatalf("unenforced: cgroups %v, unavailable %v", free.cgroups, free.memoryUnavailable)
	}
	pythonFunction(t, free, "f", allocating, Definition{})
	_, err = r.Invoke(context.Background(), Request{Function: "f", Payload: []byte(`{"mb": 1}`)})
	if e, ok := awserr.As(err); !ok || e.Status != 500 || !strings.Contains(e.Message, "MemorySize") {
		t.Fatalf("invoke where memory cannot be enforced: %v; want a 500 naming MemorySize", err)
	}
	res, err := free.Invoke(context.Background(), Request{Function: "f", Payload: []byte(`{"mb": 1}`)})
	if err != nil || res.FunctionError != "" {
		t.Fatalf("unenforced invoke: %v %s", err, res.Payload)
	}
	if _, err := New(Config{Store: r.store, WorkDir: t.TempDir(), Memory: "rlimit"}); err == nil {
		t.Fatal("New accepted Memory rlimit")
	}
}

package functions

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

// printEnvironment is a provided runtime's bootstrap that prints what it
// was started with and exits, so the invocation's log shows it (once
// the invocation has begun: init's output is not in its tail).
const printEnvironment = "#!/bin/sh\nsleep 0.5\necho \"GOMAXPROCS=$GOMAXPROCS FN=$AWS_LAMBDA_FUNCTION_NAME MEM=$AWS_LAMBDA_FUNCTION_MEMORY_SIZE\"\nexit 1\n"

// A provided runtime schedules Go on the CPUs Lambda gives its MemorySize,
// unless the function's own environment says otherwise.
func TestProvidedRuntimeCPUs(t *testing.T) {
	r, _ := newTestRuntime(t, nil)
	ctx := context.Background()
	started := func(name string, d Definition) string {
		t.Helper()
		d.Runtime, d.Handler, d.Role = "provided.al2023", "bootstrap", testRole
		if _, err := r.Create(ctx, name, d, zipOf(t, map[string]string{"bootstrap": printEnvironment})); err != nil {
			t.Fatal(err)
		}
		res, err := r.Invoke(ctx, Request{Function: name, LogTail: true})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Log)
	}
	if log := started("small", Definition{}); !strings.Contains(log, "GOMAXPROCS=1 FN=small MEM=128") {
		t.Fatalf("128 MB: %q", log)
	}
	if log := started("own", Definition{Environment: map[string]string{"GOMAXPROCS": "7"}}); !strings.Contains(log, "GOMAXPROCS=7 FN=own") {
		t.Fatalf("the function's own GOMAXPROCS: %q", log)
	}
	for mb, want := range map[int64]int{128: 1, 1769: 1, 1770: 2, 10240: 6} {
		if got := vcpus(mb); got != min(want, runtime.NumCPU()) {
			t.Errorf("vcpus(%d) = %d, want %d", mb, got, min(want, runtime.NumCPU()))
		}
	}
}

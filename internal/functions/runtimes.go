package functions

import (
	"embed"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// clients are the runtime clients moat ships for interpreted runtimes:
// small loops over the Runtime API, as AWS's custom-runtime guide describes.
//
//go:embed runtimeclient/*
var clients embed.FS

// runtimeFamily is how one family of Lambda runtimes starts a function.
type runtimeFamily struct {
	interpreter string // the machine's program it needs, "" for none
	client      string // the embedded client it runs, under runtimeclient/
	// executionEnv is AWS_EXECUTION_ENV's prefix; provided runtimes set none.
	executionEnv bool
}

var (
	provided = runtimeFamily{}
	nodejs   = runtimeFamily{interpreter: "node", client: "bootstrap.js", executionEnv: true}
	python   = runtimeFamily{interpreter: "python3", client: "bootstrap.py", executionEnv: true}
)

// runtimes are the Lambda runtimes moat runs, by their Lambda names.
var runtimes = map[string]runtimeFamily{
	"provided": provided, "provided.al2": provided, "provided.al2023": provided,
	"nodejs18.x": nodejs, "nodejs20.x": nodejs, "nodejs22.x": nodejs, "nodejs24.x": nodejs,
	"python3.9": python, "python3.10": python, "python3.11": python, "python3.12": python, "python3.13": python, "python3.14": python,
}

// otherRuntimes are Lambda's runtimes moat cannot run: refused by name.
var otherRuntimes = []string{"java8", "java8.al2", "java11", "java17", "java21", "dotnet6", "dotnet8", "ruby3.2", "ruby3.3", "ruby3.4", "go1.x"}

// checkRuntime refuses a runtime moat cannot run here, naming what is missing.
func checkRuntime(name string) error {
	family, ok := runtimes[name]
	if !ok {
		if slices.Contains(otherRuntimes, name) {
			return invalidParam("The runtime parameter of %s is not supported by moat, which runs provided.*, nodejs* and python3.* functions.", name)
		}
		known := append(slices.Sorted(maps.Keys(runtimes)), otherRuntimes...)
		return validation(name, "runtime", "Member must satisfy enum value set: ["+strings.Join(known, ", ")+"]")
	}
	if family.interpreter != "" {
		if _, err := exec.LookPath(family.interpreter); err != nil {
			return invalidParam("The runtime %s needs %s on moat's PATH, and none was found.", name, family.interpreter)
		}
	}
	return nil
}

// command is the program and arguments that start the function's runtime:
// the package's bootstrap for provided runtimes, the interpreter with
// moat's client otherwise.
func (f runtimeFamily) command(taskRoot, runtimeDir string) ([]string, error) {
	if f.interpreter == "" {
		return []string{filepath.Join(taskRoot, "bootstrap")}, nil
	}
	path, err := exec.LookPath(f.interpreter)
	if err != nil {
		return nil, fmt.Errorf("%s is not on moat's PATH", f.interpreter)
	}
	return []string{path, filepath.Join(runtimeDir, f.client)}, nil
}

// writeClients puts the embedded runtime clients in dir, where workers run them.
func writeClients(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := clients.ReadDir("runtimeclient")
	if err != nil {
		return err
	}
	for _, e := range entries {
		body, err := clients.ReadFile("runtimeclient/" + e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

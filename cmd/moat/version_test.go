package main

import (
	"bytes"
	"testing"
)

// moat --version and moat version print the same line.
func TestVersionFlag(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		root := rootCommand()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatalf("moat %v: %v", args, err)
		}
		return out.String()
	}
	flag, command := run("--version"), run("version")
	if flag != "moat "+versionString()+"\n" || flag != command {
		t.Fatalf("moat --version printed %q, moat version %q", flag, command)
	}
}

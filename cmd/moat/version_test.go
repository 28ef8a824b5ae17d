package main

import (
	"bytes"
	"strings"
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

// A command that only opens the store lists only the store's flags in its
// --help; serve lists everything.
func TestSubcommandHelpListsItsOwnFlags(t *testing.T) {
	help := func(args ...string) string {
		t.Helper()
		root := rootCommand()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(append(args, "--help"))
		if err := root.Execute(); err != nil {
			t.Fatalf("moat %v --help: %v", args, err)
		}
		return out.String()
	}
	for _, cmd := range [][]string{{"apikeys", "create"}, {"apikeys", "list"}, {"usage", "get"}, {"keys", "rotate-master"}} {
		out := help(cmd...)
		if !strings.Contains(out, "--data-dir") || !strings.Contains(out, "--database-url") {
			t.Errorf("moat %v --help lacks the store's flags:\n%s", cmd, out)
		}
		for _, other := range []string{"--gateway-addr", "--smtp-url", "--api ", "--trusted-proxies", "--redis-url"} {
			if strings.Contains(out, other) {
				t.Errorf("moat %v --help lists %s, which it does not use", cmd, other)
			}
		}
	}
	if out := help("serve"); !strings.Contains(out, "--gateway-addr") || !strings.Contains(out, "--api ") {
		t.Errorf("moat serve --help lacks its flags:\n%s", out)
	}
}

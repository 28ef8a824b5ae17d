package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfigFile feeds arbitrary YAML through the config loader: it may
// refuse the file, but never panics, and what it accepts is valid.
func FuzzConfigFile(f *testing.F) {
	f.Add("region: eu-west-1\nlog-level: debug\n")
	f.Add("redis-url: redis://127.0.0.1:6379/0\ndatabase-url: postgres://u:p@h/db\n")
	f.Add("identity-addr: [1, 2]\n")
	f.Add("unknown: 1\n")
	f.Add("- a\n- b\n")
	f.Add("&a [*a]")
	f.Add("region: !!binary aGVsbG8=\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "moat.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := load(t, []string{"--config", path}, nil)
		if err == nil {
			if verr := cfg.validate(); verr != nil {
				t.Fatalf("accepted an invalid configuration: %v", verr)
			}
		}
	})
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzConfigFile feeds arbitrary YAML through the config loader. It may
// refuse the file, but never panics; a refusal says it is the file's (or the
// configuration's) fault; and a file it accepts means what yaml.v3's strict
// decoder reads in it: the sections' own decoding changes nothing a valid
// file says.
func FuzzConfigFile(f *testing.F) {
	f.Add("region: eu-west-1\nlog-level: debug\n")
	f.Add("redis-url: redis://127.0.0.1:6379/0\ndatabase-url: postgres://u:p@h/db\n")
	f.Add("identity-addr: [1, 2]\n")
	f.Add("unknown: 1\n")
	f.Add("- a\n- b\n")
	f.Add("&a [*a]")
	f.Add("region: !!binary aGVsbG8=\n")
	f.Add("apiKeys: [{name: k, valueFromEnv: K}]\nusagePlans: [{name: p, throttle: {rateLimit: 1, burstLimit: 2}, quota: {limit: 9, period: DAY}, apiKeys: [k], apiStages: [{api: a, stage: s, throttle: {\"/x/GET\": {rateLimit: 1}}}]}]\n")
	f.Add("roles: [{name: r, assumeRolePolicy: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}, policies: {p: '{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}'}}]\n")
	f.Add("apis: [{name: a, stages: [{name: prod, throttle: &t {rateLimit: 1, burstLimit: 1}}], routes: [{method: GET, path: /, throttle: *t, integration: {type: mock}}]}]\n")
	f.Add("user-pool-limits: {signInPerIp: {perMinute: 1, burst: 1}}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "moat.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := load(t, []string{"--config", path}, nil)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "config file ") && !strings.HasPrefix(msg, "invalid configuration: ") {
				t.Fatalf("a refusal that does not say whose fault it is: %v", err)
			}
			return
		}
		strict := defaultConfig()
		dec := yaml.NewDecoder(bytes.NewReader([]byte(content)))
		dec.KnownFields(true)
		if err := dec.Decode(&strict); err != nil && err.Error() != "EOF" {
			t.Fatalf("accepted a file yaml.v3 refuses strictly (%v)", err)
		}
		strict.IdentityPublicURL, strict.ConfigFile = cfg.IdentityPublicURL, cfg.ConfigFile // loadConfig's own defaulting
		if got, want := marshal(t, cfg), marshal(t, strict); got != want {
			t.Fatalf("read the file as\n%s\nyaml.v3 reads it as\n%s", got, want)
		}
	})
}

// marshal writes cfg as YAML, where NaN equals NaN and pointers are followed.
func marshal(t *testing.T, cfg Config) string {
	t.Helper()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

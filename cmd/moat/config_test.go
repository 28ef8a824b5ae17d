package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	flags := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	addFlags(flags)
	if err := flags.Parse(args); err != nil {
		t.Fatal(err)
	}
	return loadConfig(flags, func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	})
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "moat.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaults(t *testing.T) {
	cfg, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DataDir: "./moat-data", IdentityAddr: "127.0.0.1:9229", GatewayAddr: "127.0.0.1:8080",
		Region: "us-east-1", IdentityPublicURL: "http://127.0.0.1:9229", LogLevel: "info", AccountID: "000000000000",
		AuthDomainSuffix: "auth.localhost", FunctionMemory: "cgroup",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
}

// Each layer is tested against the one below it: flag > env > file > default.
func TestPrecedence(t *testing.T) {
	file := writeFile(t, "region: eu-west-1\nlog-level: warn\ngateway-addr: 127.0.0.1:8001\ndata-dir: /from/file\n")
	env := map[string]string{
		"MOAT_CONFIG":       file,
		"MOAT_LOG_LEVEL":    "error",
		"MOAT_GATEWAY_ADDR": "127.0.0.1:8002",
	}
	cfg, err := load(t, []string{"--gateway-addr", "127.0.0.1:8003"}, env)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"file over default", cfg.Region, "eu-west-1"},
		{"file over default", cfg.DataDir, "/from/file"},
		{"env over file", cfg.LogLevel, "error"},
		{"flag over env", cfg.GatewayAddr, "127.0.0.1:8003"},
		{"default kept", cfg.IdentityAddr, "127.0.0.1:9229"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
}

func TestConfigFlagBeatsConfigEnv(t *testing.T) {
	fromEnv := writeFile(t, "region: eu-west-1\n")
	fromFlag := writeFile(t, "region: ap-southeast-2\n")
	cfg, err := load(t, []string{"--config", fromFlag}, map[string]string{"MOAT_CONFIG": fromEnv})
	if err != nil || cfg.Region != "ap-southeast-2" {
		t.Fatalf("region %q err %v", cfg.Region, err)
	}
}

func TestPublicURLFollowsIdentityAddr(t *testing.T) {
	cfg, err := load(t, nil, map[string]string{"MOAT_IDENTITY_ADDR": "0.0.0.0:9000"})
	if err != nil || cfg.IdentityPublicURL != "http://0.0.0.0:9000" {
		t.Fatalf("public URL %q err %v", cfg.IdentityPublicURL, err)
	}
	cfg, err = load(t, []string{"--identity-public-url", "https://auth.example.com/"}, nil)
	if err != nil || cfg.IdentityPublicURL != "https://auth.example.com" {
		t.Fatalf("public URL %q err %v", cfg.IdentityPublicURL, err)
	}
}

func TestUnknownFileKeyIsNamed(t *testing.T) {
	file := writeFile(t, "region: eu-west-1\nregoin: typo\n")
	_, err := load(t, []string{"--config", file}, nil)
	if err == nil || !strings.Contains(err.Error(), "regoin") {
		t.Fatalf("got %v, want an error naming the key regoin", err)
	}
}

func TestEmptyFileIsFine(t *testing.T) {
	if _, err := load(t, []string{"--config", writeFile(t, "")}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidValuesAreRefused(t *testing.T) {
	cases := map[string]struct {
		args    []string
		mention string
	}{
		"log level":       {[]string{"--log-level", "loud"}, "log-level"},
		"redis scheme":    {[]string{"--redis-url", "http://127.0.0.1:6379"}, "redis-url"},
		"redis garbage":   {[]string{"--redis-url", "not a url"}, "redis-url"},
		"database scheme": {[]string{"--database-url", "mysql://x/y"}, "database-url"},
		"address":         {[]string{"--identity-addr", "9229"}, "identity-addr"},
		"region":          {[]string{"--region", "Mars"}, "region"},
		"missing file":    {[]string{"--config", "/nonexistent/moat.yaml"}, "config file"},
		"trusted proxies": {[]string{"--trusted-proxies", "10.0.0.0/8,lb.internal"}, `trusted-proxies: trusted proxy "lb.internal"`},
		"function memory": {[]string{"--function-memory", "rlimit"}, `function-memory: "rlimit" is not cgroup or unenforced`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := load(t, c.args, nil)
			if err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.mention)
			}
		})
	}
}

func TestURLPasswordsAreNotEchoed(t *testing.T) {
	_, err := load(t, []string{"--database-url", "mysql://moat:hunter2@db/moat"}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v leaks the password or is missing", err)
	}
}

package events_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/moat-dev/moat/internal/events"
)

func section(t *testing.T, text string) events.Section {
	t.Helper()
	var s events.Section
	if err := yaml.Unmarshal([]byte(text), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSectionRefusesWhatItCannotHonour(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"neither transport":   {"targets: [{name: a}]", "targets[0]: set exactly one of webhook or nats"},
		"both transports":     {"targets: [{name: a, webhook: {url: 'http://x', secretFromEnv: S}, nats: {url: 'nats://x', subject: s}}]", "exactly one"},
		"no secret":           {"targets: [{name: a, webhook: {url: 'http://x'}}]", "targets[0].webhook: set one of secretFromEnv or secretFromFile"},
		"bad url":             {"targets: [{name: a, webhook: {url: 'ftp://x', secretFromEnv: S}}]", "targets[0].webhook.url"},
		"wildcard subject":    {"targets: [{name: a, nats: {url: 'nats://127.0.0.1:4222', subject: 'moat.>'}}]", "targets[0].nats.subject"},
		"twice":               {"targets: [{name: a, nats: {url: 'nats://h:1', subject: s}}, {name: a, nats: {url: 'nats://h:1', subject: s}}]", `targets[1].name: "a" is declared twice`},
		"backoff beyond max":  {"targets: [{name: a, nats: {url: 'nats://h:1', subject: s}, backoff: 1m, maxBackoff: 1s}]", "targets[0].maxBackoff"},
		"negative attempts":   {"targets: [{name: a, nats: {url: 'nats://h:1', subject: s}, maxAttempts: -1}]", "targets[0].maxAttempts"},
		"name with a slash":   {"targets: [{name: a/b, nats: {url: 'nats://h:1', subject: s}}]", "targets[0].name"},
		"lease too short":     {"lease: 10s\ntargets: [{name: a, nats: {url: 'nats://h:1', subject: s}}]", "lease: 10s is too short for target a"},
		"password not echoed": {"targets: [{name: a, nats: {url: 'http://u:hunter2@h', subject: s}}]", "xxxxx"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := section(t, c.yaml).Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if err := section(t, "targets: [{name: a, webhook: {url: 'https://x/y', secretFromEnv: S}, maxAttempts: 3, backoff: 1s}]").Validate(); err != nil {
		t.Fatalf("a valid section: %v", err)
	}
}

func TestSectionReadsWebhookSecrets(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	s := section(t, "targets: [{name: a, webhook: {url: 'http://127.0.0.1:1/', secretFromEnv: HOOK_SECRET}}]")
	if _, err := s.Build(env(nil)); err == nil || !strings.Contains(err.Error(), "HOOK_SECRET is not set") {
		t.Fatalf("missing variable: %v", err)
	}
	if _, err := s.Build(env(map[string]string{"HOOK_SECRET": "plain-text-secret"})); err == nil || !strings.Contains(err.Error(), "whsec_") || strings.Contains(err.Error(), "plain-text-secret") {
		t.Fatalf("a secret not in whsec_ form: %v", err)
	}
	targets, err := s.Build(env(map[string]string{"HOOK_SECRET": secret}))
	if err != nil || len(targets) != 1 || targets[0].MaxAttempts != 15 {
		t.Fatalf("built %+v, %v", targets, err)
	}
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := section(t, "targets: [{name: a, webhook: {url: 'http://h/', secretFromFile: "+file+"}}]").Build(env(nil)); err != nil {
		t.Fatalf("secret from a file: %v", err)
	}
}

package main

import (
	"strings"
	"testing"
)

// The events: section is checked when the file is read; its errors name
// the key under events.
func TestEventsSectionErrorsNameTheKey(t *testing.T) {
	_, err := load(t, []string{"--config", writeFile(t, "events:\n  targets:\n    - {name: crm, webhook: {url: 'ftp://x', secretFromEnv: S}}\n")}, nil)
	if err == nil || !strings.Contains(err.Error(), `events.targets[0].webhook.url: "ftp://x" is not an http:// or https:// URL`) {
		t.Fatalf("got %v", err)
	}
	cfg, err := load(t, []string{"--config", writeFile(t, "events:\n  lease: 45s\n  targets:\n    - {name: bus, nats: {url: 'nats://127.0.0.1:4222', subject: moat.events}}\n")}, nil)
	if err != nil || len(cfg.Events.Targets) != 1 || cfg.Events.Targets[0].NATS.Subject != "moat.events" || cfg.Events.Lease.Seconds() != 45 {
		t.Fatalf("loaded %+v, %v", cfg.Events, err)
	}
}

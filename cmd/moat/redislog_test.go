package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// go-redis's lines come out as moat's JSON log lines.
func TestRedisLogLinesGoThroughMoatsLogger(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	redisLog{}.Printf(context.Background(), "redis: %s:%d: connection pool: failed to dial after %d attempts: %v\n", "127.0.0.1", 1, 5, "refused")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not a JSON line: %q", buf.String())
	}
	if line["level"] != "WARN" || line["logger"] != "redis" || line["msg"] != "127.0.0.1:1: connection pool: failed to dial after 5 attempts: refused" {
		t.Fatalf("line %v", line)
	}
}

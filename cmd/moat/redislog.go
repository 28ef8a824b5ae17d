package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// redisLog routes go-redis's own log lines (pool dial failures, reconnects)
// through moat's logger, so they are JSON like every other line, at warn.
type redisLog struct{}

func (redisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(strings.TrimSpace(fmt.Sprintf(format, v...)), "redis: ")
	slog.Default().WarnContext(ctx, msg, "logger", "redis")
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/moat-dev/moat/internal/usage"
)

// maxMemoryBuckets bounds the in-memory limiter: keys are caller-chosen
// (addresses, usernames), so the map must not grow without limit.
const maxMemoryBuckets = 200_000

// openRedis connects to --redis-url's server, or returns nil without one.
// Every part of moat that keeps shared counters (limiters, WAF rate rules)
// uses this one client.
func openRedis(ctx context.Context, cfg Config) (*redis.Client, error) {
	if cfg.RedisURL == "" {
		return nil, nil
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		// The parser's message may quote the URL, password included.
		return nil, fmt.Errorf("redis-url %s is not a Redis URL (redis://[user:password@]host:port/db)", redactURL(cfg.RedisURL))
	}
	redis.SetLogger(redisLog{})
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("redis-url: cannot reach Redis at %s: %v (start Redis or remove --redis-url)", opts.Addr, err)
	}
	return client, nil
}

// newLimiter returns the rate limiter every part of moat shares: buckets in
// Redis when there is one, so replicas enforce one limit together, and in
// memory otherwise.
func newLimiter(client *redis.Client) usage.Limiter {
	if client == nil {
		return usage.NewMemoryLimiter(maxMemoryBuckets, time.Now)
	}
	return usage.NewRedisLimiter(client, "moat:limit:")
}

// signInBuckets lets the user pools' sign-in limits spend from the shared
// limiter.
type signInBuckets struct{ limiter usage.Limiter }

func (b signInBuckets) Take(ctx context.Context, key string, perSecond float64, burst int) (bool, error) {
	d, err := b.limiter.Allow(ctx, key, perSecond, burst)
	return d.Allowed, err
}

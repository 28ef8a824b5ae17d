package usage

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RedisLimiter keeps buckets in Redis so every moat process sharing the
// server shares the limits. redis_rate runs GCRA in one Lua script on Redis's
// clock, so processes with skewed clocks still agree.
type RedisLimiter struct {
	limiter *redis_rate.Limiter
	prefix  string
}

// NewRedisLimiter keeps buckets under keys starting with prefix (redis_rate
// adds its own "rate:" in front).
func NewRedisLimiter(client redis.UniversalClient, prefix string) *RedisLimiter {
	return &RedisLimiter{limiter: redis_rate.NewLimiter(client), prefix: prefix}
}

func (r *RedisLimiter) Allow(ctx context.Context, key string, rate float64, burst int) (Decision, error) {
	interval, _, ok := gcraParams(rate, burst)
	if !ok {
		return Decision{}, nil
	}
	// One token per interval, expressed as redis_rate's integer rate per period.
	res, err := r.limiter.Allow(ctx, r.prefix+key, redis_rate.Limit{Rate: 1, Burst: burst, Period: max(interval, time.Nanosecond)})
	if err != nil {
		return Decision{}, fmt.Errorf("usage: redis limiter: %w", err)
	}
	if res.Allowed > 0 {
		return Decision{Allowed: true}, nil
	}
	return Decision{RetryAfter: max(res.RetryAfter, 0)}, nil
}

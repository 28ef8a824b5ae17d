package waf

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCounter keeps rate counts in Redis, so every moat process sharing
// the server counts the same requests and a limit holds across replicas.
// A key is one hash of per-bucket counts; one script adds the request,
// drops buckets the window slid past and sums the rest, atomically.
type RedisCounter struct {
	client redis.UniversalClient
	prefix string
}

// NewRedisCounter keeps counts under keys starting with prefix.
func NewRedisCounter(client redis.UniversalClient, prefix string) *RedisCounter {
	return &RedisCounter{client: client, prefix: prefix}
}

var windowScript = redis.NewScript(`
local cur = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if tonumber(fields[i]) > cur - n then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return total
`)

func (r *RedisCounter) Add(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	n := bucketsIn(window)
	ttl := int64((window + bucket) / time.Second)
	total, err := windowScript.Run(ctx, r.client, []string{r.prefix + key}, strconv.FormatInt(bucketOf(now), 10), n, ttl).Int64()
	if err != nil {
		return 0, fmt.Errorf("waf: redis rate counter: %w", err)
	}
	return total, nil
}

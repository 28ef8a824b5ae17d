package authorizer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/moat-dev/moat/internal/gateway/lambdaevent"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// answerCache keeps a Lambda authorizer's answers by identity sources for
// its TTL, so the same caller invokes it once a TTL, as on AWS. The policy
// is kept, not the decision: every request evaluates it against its own
// method ARN. With Redis, replicas share the answers (kept as the
// function's JSON); each replica also remembers the compiled answer until
// the shared entry lapses.
type answerCache struct {
	ttl    time.Duration
	local  *ttlcache.Cache[string, *lambdaevent.Answer]
	shared *redis.Client // nil: this replica's memory only
	prefix string        // the shared keys' prefix, naming the API and authorizer
	parse  func([]byte) (*lambdaevent.Answer, error)
}

// maxCachedAnswers bounds one authorizer's memory: identity sources are
// the callers' to choose.
const maxCachedAnswers = 10_000

func newAnswerCache(ttl time.Duration, shared *redis.Client, prefix string, parse func([]byte) (*lambdaevent.Answer, error)) *answerCache {
	return &answerCache{ttl: ttl, local: ttlcache.New[string, *lambdaevent.Answer](maxCachedAnswers, ttl),
		shared: shared, prefix: prefix, parse: parse}
}

// cacheKey is the identity sources' values, hashed: one value may be a
// secret token, which is neither kept nor sent to Redis in the clear.
func cacheKey(values []string) string {
	h := sha256.New()
	for _, v := range values {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// get returns the answer kept for key, if any.
func (c *answerCache) get(ctx context.Context, key string, now time.Time) (*lambdaevent.Answer, bool, error) {
	if a, ok := c.local.Get(key, now); ok {
		return a, true, nil
	}
	if c.shared == nil {
		return nil, false, nil
	}
	var get *redis.StringCmd
	var ttl *redis.DurationCmd
	_, err := c.shared.Pipelined(ctx, func(p redis.Pipeliner) error {
		get, ttl = p.Get(ctx, c.prefix+key), p.PTTL(ctx, c.prefix+key)
		return nil
	})
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	raw, _ := get.Bytes()
	a, err := c.parse(raw)
	if err != nil {
		return nil, false, nil // written by a replica that read it otherwise: invoke again
	}
	if left := ttl.Val(); left > 0 {
		c.local.Put(key, a, now.Add(left), now)
	}
	return a, true, nil
}

// put keeps an answer, and its JSON for the other replicas, for the TTL.
func (c *answerCache) put(ctx context.Context, key string, a *lambdaevent.Answer, raw []byte, now time.Time) error {
	c.local.Put(key, a, now.Add(c.ttl), now)
	if c.shared == nil {
		return nil
	}
	return c.shared.Set(ctx, c.prefix+key, raw, c.ttl).Err()
}
